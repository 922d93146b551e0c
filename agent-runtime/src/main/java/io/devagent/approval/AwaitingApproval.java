package io.devagent.approval;

/**
 * Thrown by {@link ApprovalGate#check} when a call must wait for an answer nobody here can give: it
 * unwinds the step in progress (its reply and earlier outcomes are journaled) so that the run
 * checkpoints itself as {@code awaiting_approval}.
 */
public final class AwaitingApproval extends RuntimeException {

    private final transient ApprovalRequest request;

    public AwaitingApproval(ApprovalRequest request) {
        super("waiting for approval of " + request.summary(), null, false, false);
        this.request = request;
    }

    public ApprovalRequest request() {
        return request;
    }
}
