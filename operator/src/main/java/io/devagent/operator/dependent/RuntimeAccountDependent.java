package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** The run's own service account: its pods may patch their AgentRun's status and nothing else (see {@link RuntimeRoleDependent}). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECTOR))
public final class RuntimeAccountDependent extends CRUDKubernetesDependentResource<ServiceAccount, AgentRun> {

    public RuntimeAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(AgentRun run, Context<AgentRun> context) {
        return new ResourceID(Children.runtimeAccount(run), run.getMetadata().getNamespace());
    }

    @Override
    protected ServiceAccount desired(AgentRun run, Context<AgentRun> context) {
        return new ServiceAccountBuilder().withMetadata(Children.meta(run, Children.runtimeAccount(run))).build();
    }
}
