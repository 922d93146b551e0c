package io.devagent.operator;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.operator.config.OperatorConfig;
import io.devagent.operator.dependent.RunPolicy;
import io.devagent.operator.observer.PodState;
import io.devagent.policy.Policy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a run stands, decided from what was observed: a pod not seen yet is not a pod that was deleted. */
class RunDecisionTest {

    private final RunDecision decision = new RunDecision(OperatorConfig.forTests("img"));

    @Test
    void aPodAskedForButNotYetSeenIsAwaitedNotReplaced() {
        AgentRun run = new AgentRun("agents", "waiting", OperatorTestBase.spec("Wait for it"));
        RunPolicy.Choice policy = new RunPolicy.Choice(Policy.defaults(), null, null, null);

        // The policy became valid: the pod is asked for, but neither the rendered policy nor the pod is in the cache yet.
        Outcome starting = decision.decide(run, new AgentRunStatus(), PodState.ABSENT, List.of(), policy, false);
        AgentRunStatus recorded = record(run, starting);
        // The next reconciliation still does not see it.
        Outcome next = decision.decide(run, recorded, PodState.ABSENT, List.of(), policy, true);

        assertThat(starting.reason()).isEqualTo("PodCreated");
        assertThat(next.reason()).isEqualTo("PodCreated");
        assertThat(next.attempt()).isZero();
        assertThat(next.message()).isEqualTo("starting pod waiting-0");
    }

    @Test
    void aPodSeenAndThenGoneIsReplacedByTheNextAttempt() {
        AgentRun run = new AgentRun("agents", "lost", OperatorTestBase.spec("Keep going"));
        RunPolicy.Choice policy = new RunPolicy.Choice(Policy.defaults(), null, null, null);
        Outcome pending = decision.decide(run, new AgentRunStatus(), new PodState(PodState.Kind.PENDING, null), List.of(), policy, true);
        AgentRunStatus recorded = record(run, pending);

        Outcome gone = decision.decide(run, recorded, PodState.ABSENT, List.of(), policy, true);

        assertThat(pending.podName()).isEqualTo("lost-0");
        assertThat(gone.reason()).isEqualTo("Interrupted");
        assertThat(gone.attempt()).isEqualTo(1);
        assertThat(gone.message()).contains("pod lost-0 was deleted before the run ended").contains("lost-1");
    }

    /** The status as the recorder writes it from {@code outcome}, set on {@code run}. */
    private static AgentRunStatus record(AgentRun run, Outcome outcome) {
        AgentRunStatus status = new AgentRunStatus();
        status.setPhase(outcome.phase());
        status.setPodName(outcome.podName());
        status.setRestarts(outcome.attempt());
        run.setStatus(status);
        return status;
    }
}
