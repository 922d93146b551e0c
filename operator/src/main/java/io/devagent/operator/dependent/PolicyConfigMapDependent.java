package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.Labels;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.operator.PolicyRendering;
import io.devagent.policy.Policy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The run's policy, rendered into {@code policy.yaml} and mounted (as a directory, so that the
 * kubelet's symlink swap reaches the pod) at {@code /etc/dev-agent/policy}. The reconciler hands it
 * the policy to render through {@link #render}; it is only reconciled when that policy is valid, so a
 * rejected Policy leaves the last good rendering in force.
 */
public final class PolicyConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, AgentRun> {

    public static final String KEY = "policy.yaml";
    public static final String MOUNT_DIR = "/etc/dev-agent/policy";

    private static final String RENDER_KEY = "rendered-policy";

    /** What to render, for this reconciliation of this run. */
    public record Render(Policy policy, PolicyResource source) {
    }

    public PolicyConfigMapDependent() {
        super(ConfigMap.class);
        Children.watchOwnOnly(this, ConfigMap.class);
    }

    /** Puts the policy to render into the reconciliation's context. */
    public static void render(Context<AgentRun> context, Render render) {
        context.managedWorkflowAndDependentResourceContext().put(RENDER_KEY, render);
    }

    @Override
    protected ConfigMap desired(AgentRun run, Context<AgentRun> context) {
        Render render = context.managedWorkflowAndDependentResourceContext().getMandatory(RENDER_KEY, Render.class);
        ConfigMapBuilder map = new ConfigMapBuilder()
                .withMetadata(Children.meta(run, Children.policyConfigMap(run)))
                .editMetadata()
                .addToAnnotations(Labels.POLICY_VERSION, render.policy().version())
                .endMetadata()
                .addToData(KEY, PolicyRendering.render(render.policy(), run, render.source()));
        if (render.source() != null) {
            map.editMetadata().addToLabels(Labels.POLICY, render.source().getMetadata().getName()).endMetadata();
            if (render.source().reloadRequest() != null) {
                map.editMetadata().addToAnnotations(Labels.POLICY_RELOAD, render.source().reloadRequest()).endMetadata();
            }
        }
        return map.build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(AgentRun run, Context<AgentRun> context) {
        return new ResourceID(Children.policyConfigMap(run), run.getMetadata().getNamespace());
    }
}
