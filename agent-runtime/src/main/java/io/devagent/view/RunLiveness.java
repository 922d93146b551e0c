package io.devagent.view;

import io.devagent.checkpoint.Snapshot;
import io.devagent.state.RunLock;
import io.devagent.state.StateDir;

/**
 * The status a reader shows: a snapshot that says {@code running} is only believed while some
 * process holds the run's lock; otherwise its owner died (a crash, SIGKILL, a lost pod) and the run
 * is shown as {@code interrupted}. Derived at read time, never written: the journal stays the truth
 * of what was done, the lock the truth of who is doing it.
 */
public final class RunLiveness {

    private final StateDir state;

    public RunLiveness(StateDir state) {
        this.state = state;
    }

    /** Whether a process holds run {@code runId} now. */
    public boolean owned(String runId) {
        return RunLock.held(state.checkpointDir(runId).resolve("lock"));
    }

    /** The snapshot as it should be shown: {@code interrupted} for a {@code running} run that nobody holds. */
    public Snapshot shown(Snapshot snapshot) {
        if (snapshot == null || !Snapshot.RUNNING.equals(snapshot.status()) || owned(snapshot.runId())) {
            return snapshot;
        }
        return snapshot.withStatus(Snapshot.INTERRUPTED);
    }
}
