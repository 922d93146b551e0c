package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.devagent.k8s.api.AgentRunSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

import java.util.Optional;

/**
 * The run's volume, mounted at {@code /state} (and at {@code /workspace} for a cloned or empty
 * workspace). Created once and never updated or deleted by the operator: it outlives every pod of
 * the run, and its owner reference lets Kubernetes delete it with the AgentRun.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECTOR))
public final class StatePvcDependent extends KubernetesDependentResource<PersistentVolumeClaim, AgentRun>
        implements Creator<PersistentVolumeClaim, AgentRun>, GarbageCollected<AgentRun> {

    public static final String DEFAULT_SIZE = "1Gi";

    public StatePvcDependent() {
        super(PersistentVolumeClaim.class);
    }

    @Override
    protected PersistentVolumeClaim desired(AgentRun run, Context<AgentRun> context) {
        AgentRunSpec.Storage storage = Optional.ofNullable(run.spec().storage()).orElse(new AgentRunSpec.Storage(null, null));
        return new PersistentVolumeClaimBuilder()
                .withMetadata(Children.meta(run, Children.statePvc(run)))
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(storage.storageClassName())
                .withNewResources()
                .addToRequests("storage", new Quantity(Optional.ofNullable(storage.size()).orElse(DEFAULT_SIZE)))
                .endResources()
                .endSpec()
                .build();
    }

    @Override
    protected io.javaoperatorsdk.operator.processing.event.ResourceID targetSecondaryResourceID(AgentRun run, Context<AgentRun> context) {
        return new io.javaoperatorsdk.operator.processing.event.ResourceID(Children.statePvc(run), run.getMetadata().getNamespace());
    }
}
