package io.devagent.operator;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;

/**
 * {@code spec.retry}: a generation the user raises ({@code agent --k8s checkpoints resume}, or a
 * patch) to run a Failed AgentRun again from its checkpoint. {@code status.observedRetry} records
 * the generation acted on, so each raise retries once.
 */
final class FailedRunRetry {

    private FailedRunRetry() {
    }

    static int asked(AgentRun run) {
        return run.getSpec() == null || run.getSpec().retry() == null ? 0 : run.getSpec().retry();
    }

    /** Whether the spec asks for a retry the status has not acted on yet. */
    static boolean asked(AgentRun run, AgentRunStatus status) {
        int seen = status.getObservedRetry() == null ? 0 : status.getObservedRetry();
        return asked(run) > seen;
    }

    /** The generation the new status records: the spec's once a retry starts, else what was recorded. */
    static Integer observed(AgentRun run, AgentRunStatus previous, String reason) {
        if ("Retrying".equals(reason)) {
            return asked(run);
        }
        return previous.getObservedRetry();
    }
}
