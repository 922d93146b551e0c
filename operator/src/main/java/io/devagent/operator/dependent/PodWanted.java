package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

import java.util.Optional;

/**
 * The runtime pod of the current attempt. A suspended run has none (the workflow deletes it; the
 * kubelet's SIGTERM pauses the run at a checkpoint). An existing pod is kept, whatever it did, for
 * its logs and for the controller to read how it ended. A missing one is created only for a valid
 * spec whose policy is rendered, for a run not finished, and not under the name of a pod that
 * vanished before the run ended: that attempt is over, and the controller moves to the next.
 */
public final class PodWanted implements Condition<Object, AgentRun> {

    @Override
    public boolean isMet(DependentResource<Object, AgentRun> dependent, AgentRun run, Context<AgentRun> context) {
        if (run.suspended()) {
            return false;
        }
        if (dependent.getSecondaryResource(run, context).isPresent()) {
            return true;
        }
        AgentRunStatus status = Optional.ofNullable(run.getStatus()).orElseGet(AgentRunStatus::new);
        String name = Children.pod(run, RuntimePodDependent.attempt(run));
        return !status.finished() && !name.equals(status.getPodName())
                && SpecValidation.problems(run, ((RuntimePodDependent) (Object) dependent).defaultModel()).isEmpty() && RunPolicy.rendered(run, context).isPresent();
    }
}
