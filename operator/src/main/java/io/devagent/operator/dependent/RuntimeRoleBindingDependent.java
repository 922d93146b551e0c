package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** Binds the run's service account to its role. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECTOR))
public final class RuntimeRoleBindingDependent extends CRUDKubernetesDependentResource<RoleBinding, AgentRun> {

    public RuntimeRoleBindingDependent() {
        super(RoleBinding.class);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(AgentRun run, Context<AgentRun> context) {
        return new ResourceID(Children.runtimeAccount(run), run.getMetadata().getNamespace());
    }

    @Override
    protected RoleBinding desired(AgentRun run, Context<AgentRun> context) {
        return new RoleBindingBuilder()
                .withMetadata(Children.meta(run, Children.runtimeAccount(run)))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                .withName(Children.runtimeAccount(run)).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(Children.runtimeAccount(run))
                .withNamespace(run.getMetadata().getNamespace()).endSubject()
                .build();
    }
}
