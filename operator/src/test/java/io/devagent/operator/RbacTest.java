package io.devagent.operator;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.PolicyResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** operator/rbac.yaml grants what the controllers do, and no wildcards. */
class RbacTest {

    static List<HasMetadata> manifests() throws Exception {
        // A multi-document YAML file reads as a list of resources.
        try (var in = Files.newInputStream(Path.of("rbac.yaml"))) {
            List<HasMetadata> resources = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(in);
            assertThat(resources).hasSize(7);
            return resources;
        }
    }

    static boolean allows(List<PolicyRule> rules, Class<? extends HasMetadata> type, String subresource, String verb) {
        String group = HasMetadata.getGroup(type);
        String resource = HasMetadata.getPlural(type) + (subresource == null ? "" : "/" + subresource);
        return rules.stream().anyMatch(r -> r.getApiGroups().contains(group == null ? "" : group)
                && r.getResources().contains(resource) && r.getVerbs().contains(verb));
    }

    @Test
    void theClusterRoleCoversEveryKindTheOperatorWritesAndNothingWider() throws Exception {
        ClusterRole role = manifests().stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).findFirst().orElseThrow();
        List<PolicyRule> rules = role.getRules();
        for (Class<? extends HasMetadata> type : List.of(AgentRun.class, PolicyResource.class, Pod.class, PersistentVolumeClaim.class,
                ConfigMap.class, NetworkPolicy.class, ServiceAccount.class, Role.class, RoleBinding.class)) {
            for (String verb : List.of("get", "list", "watch")) {
                assertThat(allows(rules, type, null, verb)).as(verb + " " + type.getSimpleName()).isTrue();
            }
        }
        for (Class<? extends HasMetadata> child : List.of(Pod.class, PersistentVolumeClaim.class, ConfigMap.class, NetworkPolicy.class,
                ServiceAccount.class, Role.class, RoleBinding.class)) {
            assertThat(allows(rules, child, null, "create")).as("create " + child.getSimpleName()).isTrue();
        }
        assertThat(allows(rules, Pod.class, null, "delete")).isTrue();
        assertThat(allows(rules, Pod.class, null, "update")).as("pods are never updated").isFalse();
        assertThat(allows(rules, PersistentVolumeClaim.class, null, "delete")).as("volumes go with their AgentRun, by Kubernetes").isFalse();
        assertThat(allows(rules, AgentRun.class, "status", "patch")).isTrue();
        assertThat(allows(rules, PolicyResource.class, "status", "patch")).isTrue();
        assertThat(allows(rules, AgentRun.class, null, "update")).as("the operator never writes a spec").isFalse();
        assertThat(rules).allSatisfy(r -> {
            assertThat(r.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
            assertThat(r.getResources()).doesNotContain("*", "secrets");
        });
        // A run's own Role grants only what the operator holds, so creating it needs no escalate.
        assertThat(Set.of("get", "patch")).allMatch(verb -> allows(rules, AgentRun.class, "status", verb));
    }
}
