package io.devagent.bench;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The indexed store answers creates, patches and deletes as an API server would (conflicts by kind, namespace and name), through a real client. */
class IndexedCrudDispatcherTest {

    private static ScaleMockServer server;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = new ScaleMockServer(Path.of("../crds"), "a", false);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("b").endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ConfigMap map(String namespace, String name, String label) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).addToLabels("l", label).endMetadata()
                .addToData("k", "v").build();
    }

    @Test
    void aSecondCreateOfTheSameNameConflictsButOtherKindsAndNamespacesDoNot() {
        client.resource(map("a", "same", "1")).create();
        assertThatThrownBy(() -> client.resource(map("a", "same", "1")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        client.resource(map("b", "same", "1")).create();
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("a").withName("same").endMetadata().build();
        client.resource(secret).create();
        assertThat(client.configMaps().inAnyNamespace().withField("metadata.name", "same").list().getItems()).hasSize(2);
    }

    @Test
    void anObjectWhoseLabelsChangedIsStillFoundAndADeletedOneCanBeMadeAgain() {
        client.resource(map("a", "relabelled", "1")).create();
        client.configMaps().inNamespace("a").withName("relabelled").edit(m -> {
            m.getMetadata().getLabels().put("l", "2");
            return m;
        });
        assertThatThrownBy(() -> client.resource(map("a", "relabelled", "3")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(client.configMaps().inNamespace("a").withLabel("l", "2").list().getItems())
                .extracting(m -> m.getMetadata().getName()).containsExactly("relabelled");

        client.configMaps().inNamespace("a").withName("relabelled").delete();
        client.resource(map("a", "relabelled", "4")).create();
        assertThat(client.configMaps().inNamespace("a").withName("relabelled").get().getMetadata().getLabels()).containsEntry("l", "4");
    }

    @Test
    void aStatusPatchFindsItsCustomResource() {
        AgentRun run = client.resource(OperatorScale.run(7)).create();
        AgentRunStatus status = new AgentRunStatus();
        status.setPhase(AgentRunStatus.PENDING);
        run.setStatus(status);
        client.resource(run).patchStatus();
        assertThat(client.resources(AgentRun.class).inNamespace(run.getMetadata().getNamespace()).withName(run.getMetadata().getName())
                .get().getStatus().getPhase()).isEqualTo(AgentRunStatus.PENDING);
    }
}
