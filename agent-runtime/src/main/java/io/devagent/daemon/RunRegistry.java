package io.devagent.daemon;

import io.devagent.run.RunControl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The runs in flight in the main runtime, so that one can be paused or cancelled by id, and a stop
 * can pause them all and wait for each. Once closed it takes no new runs.
 */
final class RunRegistry {

    /** A run in flight. Its id is known once it has started (a new goal gets its id then). */
    static final class ActiveRun {
        final RunControl control = new RunControl();
        final CountDownLatch done = new CountDownLatch(1);
        volatile String runId;

        ActiveRun(String runId) {
            this.runId = runId;
        }
    }

    private final Set<ActiveRun> active = new LinkedHashSet<>(); // guarded by this
    private boolean closed; // guarded by this

    /** A new run, or null when the runtime is stopping. */
    synchronized ActiveRun register(String runId) {
        if (closed) {
            return null;
        }
        ActiveRun run = new ActiveRun(runId);
        active.add(run);
        return run;
    }

    synchronized void unregister(ActiveRun run) {
        active.remove(run);
        run.done.countDown();
    }

    synchronized Optional<ActiveRun> find(String runId) {
        return active.stream().filter(r -> Objects.equals(r.runId, runId)).findFirst();
    }

    /** Takes no new runs from now on; returns the ones in flight, or null when already closed. */
    synchronized List<ActiveRun> close() {
        if (closed) {
            return null;
        }
        closed = true;
        return new ArrayList<>(active);
    }

    synchronized List<String> ids() {
        return active.stream().map(r -> r.runId).filter(Objects::nonNull).toList();
    }

    static boolean await(ActiveRun run, Duration timeout) {
        try {
            return run.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
