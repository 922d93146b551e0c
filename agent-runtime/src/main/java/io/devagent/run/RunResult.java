package io.devagent.run;

import io.devagent.checkpoint.Snapshot;
import io.devagent.model.Tokens;

/**
 * How a run ended in this process: {@code status} is a snapshot status; {@code message} says why
 * a run failed or paused; {@code modelUnavailable} marks a pause because no model answered.
 */
public record RunResult(String runId, String status, String answer, int steps, Tokens tokens, String message,
                        boolean modelUnavailable) {

    public boolean succeeded() {
        return Snapshot.SUCCEEDED.equals(status);
    }

    /** Stopped before a call that waits for a person's answer ({@code agent approve} / {@code agent deny}). */
    public boolean awaitingApproval() {
        return Snapshot.AWAITING_APPROVAL.equals(status);
    }

    public boolean paused() {
        return Snapshot.PAUSED.equals(status);
    }
}
