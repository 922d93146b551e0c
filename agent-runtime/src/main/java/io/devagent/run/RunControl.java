package io.devagent.run;

/**
 * Lets another thread (a signal handler, the main runtime's shutdown) ask a run to pause. The run
 * stops at its next safe point: a model request in flight is abandoned (and asked again on
 * resume); a tool call in flight is let finish and checkpointed first.
 */
public final class RunControl {

    private volatile boolean pauseRequested;
    private volatile String reason = "paused";
    private volatile Thread modelWaiter;

    public void requestPause(String why) {
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

    public String reason() {
        return reason;
    }

    /** Marks the current thread as waiting on the model, the only phase a pause interrupts. */
    void enterModelRequest() {
        modelWaiter = Thread.currentThread();
        if (pauseRequested) {
            Thread.currentThread().interrupt();
        }
    }

    void leaveModelRequest() {
        modelWaiter = null;
        Thread.interrupted(); // a pause that arrived as the reply did is seen at the next safe point
    }
}
