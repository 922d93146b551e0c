package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The run's volume, account, role and binding: made once the spec is valid, and kept when it turns
 * invalid later (a precondition that fails deletes a child, and these outlive every pod of the run).
 */
public final class SpecValidOrMade implements Condition<Object, AgentRun> {

    @Override
    public boolean isMet(DependentResource<Object, AgentRun> dependent, AgentRun run, Context<AgentRun> context) {
        return SpecValidation.problemsBesidesModel(run).isEmpty() || dependent.getSecondaryResource(run, context).isPresent();
    }
}
