package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.Optional;

/**
 * The run's policy, rendered into {@code policy.yaml} and mounted (as a directory, so that the
 * kubelet's symlink swap reaches the pod) at {@code /etc/dev-agent/policy}. Its desired state comes
 * from the run and the Policy it references ({@link RunPolicy}); while that Policy is missing or
 * rejected, the desired state is the rendering already there, so the last good policy stays in force.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECTOR))
public final class PolicyConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, AgentRun> {

    public static final String KEY = "policy.yaml";
    public static final String MOUNT_DIR = "/etc/dev-agent/policy";

    public PolicyConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(AgentRun run, Context<AgentRun> context) {
        RunPolicy.Choice choice = RunPolicy.choose(run, context);
        Optional<ConfigMap> current = getSecondaryResource(run, context);
        if ((!choice.usable() || !SpecValidation.problemsBesidesModel(run).isEmpty()) && current.isPresent()) {
            return current.get();
        }
        ConfigMapBuilder map = new ConfigMapBuilder()
                .withMetadata(Children.meta(run, Children.policyConfigMap(run)))
                .editMetadata()
                .addToAnnotations(Labels.POLICY_VERSION, choice.policy().version())
                .endMetadata()
                .addToData(KEY, PolicyRendering.render(choice.policy(), run, choice.source()));
        if (choice.source() != null) {
            map.editMetadata().addToLabels(Labels.POLICY, choice.source().getMetadata().getName()).endMetadata();
            if (choice.source().reloadRequest() != null) {
                map.editMetadata().addToAnnotations(Labels.POLICY_RELOAD, choice.source().reloadRequest()).endMetadata();
            }
        }
        return map.build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(AgentRun run, Context<AgentRun> context) {
        return new ResourceID(Children.policyConfigMap(run), run.getMetadata().getNamespace());
    }
}
