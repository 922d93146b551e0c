package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyException;
import io.devagent.policy.PolicyLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.Optional;

/**
 * A run's policy, read from the run and its secondaries whenever it is needed (by the ConfigMap's
 * desired state, the workflow's conditions and the status), so that nothing carries it from one to
 * the other: the Policy it references (or the defaults), and the policy in force (its rendered
 * ConfigMap).
 */
public final class RunPolicy {

    /** The policy a run gets now, or why it gets none: {@code reason} and {@code problem} are set when {@code policy} is not. */
    public record Choice(Policy policy, PolicyResource source, String reason, String problem) {
        public boolean usable() {
            return policy != null;
        }
    }

    private RunPolicy() {
    }

    public static Choice choose(AgentRun run, Context<AgentRun> context) {
        String ref = run.spec().policyRef();
        if (ref == null) {
            return new Choice(PolicyRendering.forRun(Policy.defaults(), run), null, null, null);
        }
        Optional<PolicyResource> resource = context.getSecondaryResource(PolicyResource.class);
        if (resource.isEmpty()) {
            return new Choice(null, null, "PolicyNotFound",
                    "Policy '" + ref + "' does not exist in namespace " + run.getMetadata().getNamespace());
        }
        return switch (PolicyRendering.check(resource.get())) {
            case PolicyRendering.Checked.Valid valid -> new Choice(PolicyRendering.forRun(valid.policy(), run), resource.get(), null, null);
            case PolicyRendering.Checked.Invalid invalid -> new Choice(null, resource.get(), "PolicyInvalid",
                    "Policy '" + ref + "' is rejected: " + invalid.message());
        };
    }

    /** The rendered ConfigMap, the policy the run's pods mount. */
    public static Optional<ConfigMap> rendered(AgentRun run, Context<AgentRun> context) {
        String name = Children.policyConfigMap(run);
        return context.getSecondaryResourcesAsStream(ConfigMap.class).filter(m -> name.equals(m.getMetadata().getName())).findFirst();
    }

    /** The policy in force: the rendered file as the runtime's loader reads it. */
    public static Optional<Policy> inForce(AgentRun run, Context<AgentRun> context) {
        return rendered(run, context).map(map -> map.getData() == null ? null : map.getData().get(PolicyConfigMapDependent.KEY)).map(text -> {
            try {
                return PolicyLoader.parse(text, "rendered policy");
            } catch (PolicyException e) {
                return null; // the operator wrote it and checked it first; an edited file is rewritten at the next change
            }
        });
    }
}
