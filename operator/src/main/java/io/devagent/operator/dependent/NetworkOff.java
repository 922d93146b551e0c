package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The egress NetworkPolicy exists while the policy in force turns network off; when it turns network on, it is deleted. */
public final class NetworkOff implements Condition<Object, AgentRun> {

    @Override
    public boolean isMet(DependentResource<Object, AgentRun> dependent, AgentRun run, Context<AgentRun> context) {
        return RunPolicy.inForce(run, context).map(policy -> !policy.network().allowed()).orElse(false);
    }
}
