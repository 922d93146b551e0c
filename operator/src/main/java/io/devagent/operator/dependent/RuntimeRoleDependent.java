package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** get and patch on the status of this one AgentRun: all the runtime pod may do with the API. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECTOR))
public final class RuntimeRoleDependent extends CRUDKubernetesDependentResource<Role, AgentRun> {

    public RuntimeRoleDependent() {
        super(Role.class);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(AgentRun run, Context<AgentRun> context) {
        return new ResourceID(Children.runtimeAccount(run), run.getMetadata().getNamespace());
    }

    @Override
    protected Role desired(AgentRun run, Context<AgentRun> context) {
        return new RoleBuilder()
                .withMetadata(Children.meta(run, Children.runtimeAccount(run)))
                .withRules(new PolicyRuleBuilder()
                        .withApiGroups(AgentRun.GROUP)
                        .withResources("agentruns/status")
                        .withResourceNames(run.getMetadata().getName())
                        .withVerbs("get", "patch")
                        .build())
                .build();
    }
}
