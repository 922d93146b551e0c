package io.devagent.workspace;

import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes a run's workspace snapshots: one when the run starts, and one after each step that had a
 * side effect. A step's snapshot is taken behind the run, while the model thinks about the next
 * step; the next side effect waits for it, so each snapshot holds exactly what the steps up to it
 * did.
 *
 * <p>Snapshots are a record, not a condition of the run: when one cannot be taken the run goes on,
 * and {@link #problem()} says why (the run's audit carries it).
 */
public final class WorkspaceRecorder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkspaceRecorder.class.getName());
    private static final String SEED_INDEX = ".last";

    /** Waits for the run's turn to write a shared workspace; the start snapshot is taken after it. */
    @FunctionalInterface
    public interface Turn {
        void await() throws InterruptedException;
    }

    private RunSnapshots snapshots;
    private ExecutorService worker;
    /** Set while the run has not yet had its turn: its first side effect waits for it, then records the start. */
    private Turn turn;
    private String runId;
    private StateDir state;
    private Path workspace;
    private java.util.List<String> denied;
    private Future<?> inFlight;
    private boolean dirty;
    /** The files this step's effects named (write_file, edit_file); null once an effect could touch any (a shell command, an MCP tool). */
    private java.util.Set<String> touched = new java.util.TreeSet<>();
    private String lastCommit;
    private volatile String problem;

    private WorkspaceRecorder(RunSnapshots snapshots, String lastCommit, String problem) {
        this.snapshots = snapshots;
        this.lastCommit = lastCommit;
        this.problem = problem;
        this.worker = snapshots == null ? null
                : Executors.newSingleThreadExecutor(Thread.ofVirtual().name("snapshot-" + snapshots.runId()).factory());
    }

    /** A recorder that records nothing (snapshots turned off). */
    public static WorkspaceRecorder none() {
        return new WorkspaceRecorder(null, null, null);
    }

    /**
     * The recorder of a run starting or resuming in {@code workspace}. A new run's start is recorded
     * now, before any tool can change a file; a resumed run goes on from its last snapshot. Files
     * matching {@code denied} (the policy's {@code files.deny}) are never recorded.
     */
    public static WorkspaceRecorder begin(StateDir state, String runId, Path workspace, java.util.List<String> denied) {
        try {
            RunSnapshots snapshots = RunSnapshots.create(state, runId, workspace, denied);
            Optional<String> start = snapshots.start().map(RunSnapshots.Point::commit);
            if (start.isPresent()) {
                return new WorkspaceRecorder(snapshots, snapshots.latest().commit(), null);
            }
            ShadowRepo repo = snapshots.repo();
            Path index = repo.indexOf(runId);
            seed(index, repo.indexOf(SEED_INDEX));
            String commit = repo.record(index, "run " + runId + " start", Optional.empty(), Optional.empty());
            repo.setRef(RunSnapshots.startRef(runId), commit);
            keepAsSeed(index, repo.indexOf(SEED_INDEX));
            return new WorkspaceRecorder(snapshots, commit, null);
        } catch (WorkspaceException e) {
            return new WorkspaceRecorder(null, null, "workspace snapshots are off for this run: " + e.getMessage());
        }
    }

    /** Why this run has no snapshots (or lost one), or null. */
    public String problem() {
        return problem;
    }

    /**
     * The recorder of a run that shares its workspace with another run's writes: nothing is recorded
     * until its first side effect, which first waits for {@code turn}; the start snapshot is taken
     * then, so that the other run's writes are not in this run's diff.
     */
    public static WorkspaceRecorder afterTurn(StateDir state, String runId, Path workspace, java.util.List<String> denied, Turn turn) {
        WorkspaceRecorder deferred = new WorkspaceRecorder(null, null, null);
        deferred.turn = turn;
        deferred.runId = runId;
        deferred.state = state;
        deferred.workspace = workspace;
        deferred.denied = denied;
        return deferred;
    }

    /**
     * A side effect is about to happen: the previous step's snapshot must be complete first. {@code path}
     * is the workspace file it writes, or null when it could change any (the step's snapshot then reads
     * the whole workspace; otherwise just the files named).
     */
    public synchronized void beforeEffect(String path) {
        if (turn != null) {
            try {
                turn.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            turn = null;
            if (state != null) { // null: snapshots are off, only the turn is kept
                adopt(begin(state, runId, workspace, denied));
            }
        }
        awaitInFlight();
        if (!dirty) {
            touched = new java.util.TreeSet<>();
        }
        if (path == null) {
            touched = null;
        } else if (touched != null) {
            touched.add(path);
        }
        dirty = true;
    }

    /** Takes over a recorder begun late (after the run's turn came). */
    private void adopt(WorkspaceRecorder started) {
        this.snapshots = started.snapshots;
        this.lastCommit = started.lastCommit;
        this.problem = started.problem;
        this.worker = started.worker;
    }

    /** A step was committed: if it had side effects, its snapshot is taken behind the run. */
    public synchronized void stepCommitted(int step) {
        if (!dirty || snapshots == null) {
            return;
        }
        dirty = false;
        Optional<java.util.List<String>> only = Optional.ofNullable(touched).map(java.util.List::copyOf);
        inFlight = worker.submit(() -> record(step, only));
    }

    private void record(int step, Optional<java.util.List<String>> only) {
        try {
            ShadowRepo repo = snapshots.repo();
            String commit = repo.record(repo.indexOf(snapshots.runId()), "run " + snapshots.runId() + " step " + step,
                    Optional.ofNullable(lastCommit), only);
            repo.setRef(RunSnapshots.stepRef(snapshots.runId(), step), commit);
            lastCommit = commit;
        } catch (WorkspaceException e) {
            problem = "the workspace snapshot after step " + step + " failed: " + e.getMessage();
            LOG.log(Level.WARNING, problem);
        }
    }

    private void awaitInFlight() {
        Future<?> pending = inFlight;
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            problem = "a workspace snapshot failed: " + e.getCause();
        }
        inFlight = null;
    }

    /** Waits for the last snapshot: when the run reports its end, its diff is complete. */
    @Override
    public synchronized void close() {
        awaitInFlight();
        if (worker != null) {
            worker.shutdown();
        }
    }

    /** A new run's index starts as a copy of the last one: only files changed since then are read again. */
    private static void seed(Path index, Path seed) {
        try {
            if (!Files.exists(index) && Files.isRegularFile(seed)) {
                Files.createDirectories(index.getParent());
                Path temp = index.resolveSibling(index.getFileName() + ".seed-" + ProcessHandle.current().pid());
                Files.copy(seed, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, index, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException ignored) {
            // without a seed, the first snapshot reads every file once
        }
    }

    private static void keepAsSeed(Path index, Path seed) {
        try {
            Path temp = seed.resolveSibling(SEED_INDEX + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
            Files.copy(index, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, seed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // the next run reads every file once
        }
    }
}
