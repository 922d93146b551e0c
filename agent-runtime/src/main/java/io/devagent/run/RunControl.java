package io.devagent.run;

/**
 * Lets another thread (a signal handler, the main runtime's shutdown) ask a run to pause. The run
 * stops at its next safe point: a model request in flight is abandoned (and asked again on
 * resume); a tool call in flight is let finish and checkpointed first.
 */
public final class RunControl {

    private volatile boolean pauseRequested;
    private volatile boolean cancelRequested;
    private volatile String reason = "paused";
    private volatile String pausedBy = io.devagent.checkpoint.Snapshot.BY_PERSON;
    private volatile Thread modelWaiter;
    private final io.devagent.approval.Approver approver;

    public RunControl() {
        this(io.devagent.approval.Approver.NONE);
    }

    /** With someone who can answer a call that waits for approval (a person at the terminal). */
    public RunControl(io.devagent.approval.Approver approver) {
        this.approver = approver;
    }

    /** Who answers a waiting call in this process; {@link io.devagent.approval.Approver#NONE}: nobody, the run stops and waits. */
    public io.devagent.approval.Approver approver() {
        return approver;
    }

    /** A pause asked by {@code by} ({@code Snapshot.BY_PERSON} or {@code BY_SHUTDOWN}): it decides whether a restart resumes the run. */
    public void requestPause(String why, String by) {
        pausedBy = by;
        requestPause(why);
    }

    /** Ends the run at its next safe point as {@code cancelled}, a final status: it is never resumed. */
    public void requestCancel(String why) {
        cancelRequested = true;
        requestPause(why);
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    /** Who asked for the pause; see {@link #requestPause(String, String)}. */
    public String pausedBy() {
        return pausedBy;
    }

    /**
     * Interrupts the run only while it waits on the model, and finishes doing so before the run can
     * write anything: an interrupt that lands during a journal or audit write closes the file channel
     * ({@code ClosedByInterruptException}) and fails the run instead of pausing it. Hence the lock, held
     * across {@link Thread#interrupt()}: {@link #leaveModelRequest()} cannot slip in between reading the
     * waiter and interrupting it, and {@link #reason()}, which the run asks before it writes its pause,
     * waits until the interrupt is fully delivered ({@code Thread.interrupt} sets the flag, which wakes
     * the run, before it looks for an I/O operation to abort).
     */
    public synchronized void requestPause(String why) {
        reason = why;
        pauseRequested = true;
        Thread waiter = modelWaiter;
        if (waiter != null) {
            waiter.interrupt();
        }
    }

    public boolean pauseRequested() {
        return pauseRequested;
    }

    /** Synchronised: see {@link #requestPause(String)}. */
    public synchronized String reason() {
        return reason;
    }

    /** Marks the current thread as waiting on the model, the only phase a pause interrupts. */
    synchronized void enterModelRequest() {
        modelWaiter = Thread.currentThread();
        if (pauseRequested) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized void leaveModelRequest() {
        modelWaiter = null;
        Thread.interrupted(); // a pause that arrived as the reply did is seen at the next safe point
    }
}
