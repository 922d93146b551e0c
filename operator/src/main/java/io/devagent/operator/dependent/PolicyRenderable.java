package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The policy ConfigMap: rendered when the spec is valid and its policy usable, and kept once
 * rendered (a rejected Policy leaves the last good rendering in force; see
 * {@link PolicyConfigMapDependent}).
 */
public final class PolicyRenderable implements Condition<Object, AgentRun> {

    @Override
    public boolean isMet(DependentResource<Object, AgentRun> dependent, AgentRun run, Context<AgentRun> context) {
        return dependent.getSecondaryResource(run, context).isPresent()
                || SpecValidation.problemsBesidesModel(run).isEmpty() && RunPolicy.choose(run, context).usable();
    }
}
