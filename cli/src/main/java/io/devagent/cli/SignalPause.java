package io.devagent.cli;

import io.devagent.run.RunControl;
import io.devagent.state.ControlRequest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT or SIGTERM while a run works: the JVM's shutdown hook asks the run to pause, waits until
 * it has checkpointed itself as {@code paused} and the CLI has said so, then lets the JVM exit with
 * the signal's status (130 or 143).
 */
final class SignalPause {

    private static final long GRACE_SECONDS = 60;
    private static volatile boolean signalled;
    private static final CountDownLatch DONE = new CountDownLatch(1);

    private SignalPause() {
    }

    /** Arms the hook for one run; returns a handle that disarms it when the run is over. */
    static AutoCloseable arm(RunControl control, java.util.function.Supplier<java.util.Optional<ControlRequest>> asked) {
        return arm(control, asked, () -> {
        });
    }

    /** With {@code alsoOnSignal}: what else stops waiting when the signal comes (a question at the terminal). */
    static AutoCloseable arm(RunControl control, java.util.function.Supplier<java.util.Optional<ControlRequest>> asked,
                             Runnable alsoOnSignal) {
        Thread hook = new Thread(() -> {
            signalled = true;
            // agent checkpoints pause / agent cancel leave what they ask beside the run before they signal.
            java.util.Optional<ControlRequest> request = asked.get();
            if (request.isPresent() && ControlRequest.CANCEL.equals(request.get().action())) {
                control.requestCancel(request.get().reason());
            } else {
                control.requestPause(request.map(ControlRequest::reason).orElse("paused by a signal (SIGINT or SIGTERM)"),
                        io.devagent.checkpoint.Snapshot.BY_PERSON);
            }
            alsoOnSignal.run();
            try {
                DONE.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pause-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            if (!signalled) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // the JVM is already shutting down
                }
            }
        };
    }

    /** A signal stopped the process some other way (the main runtime's own shutdown hook): the JVM sets the status. */
    static void shuttingDown() {
        signalled = true;
    }

    static boolean signalled() {
        return signalled;
    }

    /** The run has saved itself and the CLI has printed: the JVM may exit. */
    static void done() {
        DONE.countDown();
    }
}
