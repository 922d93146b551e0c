package io.devagent.approval;

import java.util.Optional;

/**
 * Someone who can answer a waiting call now: a person at the terminal of {@code agent run}. Without
 * one ({@link #NONE}: no terminal, the main runtime, a pod) the run checkpoints itself as
 * {@code awaiting_approval} and stops; {@code agent approve} / {@code agent deny} answer later.
 */
public interface Approver {

    Approver NONE = request -> Optional.empty();

    /** The answer, or empty when no answer can be had here now (the run then stops and waits). */
    Optional<Verdict> ask(ApprovalRequest request);

    /** What a person said: approve, or deny with an optional reason; {@code by} names them for the audit. */
    record Verdict(boolean approved, String reason, String by) {
    }
}
