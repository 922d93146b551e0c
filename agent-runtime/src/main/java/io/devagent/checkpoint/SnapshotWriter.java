package io.devagent.checkpoint;

import java.io.Closeable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one run's {@code snapshot.json} current without making each step wait for it. The
 * snapshot is a view derived from the journal (which alone makes a step durable), so after a step
 * it is rewritten behind the run, at most once per {@link #INTERVAL_NANOS}, the latest state
 * winning; changes of status (start, pause, finish) are written at once. Readers see a snapshot at
 * most about a tenth of a second behind the journal while a run runs.
 */
public final class SnapshotWriter implements Closeable {

    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** One thread for the whole process: each write is a small file and a rename. */
    private static final ScheduledExecutorService WRITER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "snapshot-writer");
        thread.setDaemon(true);
        return thread;
    });

    private final Checkpoints checkpoints;
    /** Guards the write itself, so that an older snapshot never replaces a newer one. */
    private final Object writing = new Object();
    private long seq;
    private long writtenSeq;
    private Snapshot pending;
    private boolean scheduled;
    private long lastWriteNanos = System.nanoTime() - INTERVAL_NANOS;
    private CheckpointException failure;

    public SnapshotWriter(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    /** Writes now, replacing any snapshot still waiting. */
    public void now(Snapshot snapshot) throws CheckpointException {
        long mine;
        synchronized (this) {
            mine = ++seq;
            pending = null;
            failure = null;
        }
        write(snapshot, mine);
    }

    /**
     * Writes soon. A background write that failed is reported here, at the next step, so a disk
     * that refuses the snapshot stops the run as a failed synchronous write would.
     */
    public void soon(Snapshot snapshot) throws CheckpointException {
        synchronized (this) {
            if (failure != null) {
                CheckpointException e = failure;
                failure = null;
                throw e;
            }
            pending = snapshot;
            seq++;
            if (!scheduled) {
                scheduled = true;
                long delay = Math.max(0, lastWriteNanos + INTERVAL_NANOS - System.nanoTime());
                WRITER.schedule(this::writePending, delay, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void writePending() {
        synchronized (writing) { // taken first, as close() does: a write behind never lands after close() has returned
            Snapshot snapshot;
            long mine;
            synchronized (this) {
                scheduled = false;
                snapshot = pending;
                mine = seq;
                pending = null;
            }
            if (snapshot == null) {
                return;
            }
            try {
                write(snapshot, mine);
            } catch (CheckpointException e) {
                synchronized (this) {
                    failure = e;
                }
            }
        }
    }

    private void write(Snapshot snapshot, long mine) throws CheckpointException {
        synchronized (writing) {
            if (mine <= writtenSeq) {
                return; // a newer snapshot is already on disk
            }
            checkpoints.writeSnapshot(snapshot);
            writtenSeq = mine;
        }
        synchronized (this) {
            lastWriteNanos = System.nanoTime();
        }
    }

    /** Writes what is still waiting; no write of this run's snapshot happens after it returns. */
    @Override
    public void close() {
        synchronized (writing) {
            Snapshot snapshot;
            long mine;
            synchronized (this) {
                snapshot = pending;
                mine = seq;
                pending = null;
            }
            if (snapshot != null) {
                try {
                    write(snapshot, mine);
                } catch (CheckpointException ignored) {
                    // the journal holds the run; a resume writes the snapshot again
                }
            }
        }
    }
}
