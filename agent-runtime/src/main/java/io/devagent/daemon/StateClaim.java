package io.devagent.daemon;

import io.devagent.state.PidFile;
import io.devagent.state.RunLock;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.util.Optional;

/**
 * The main runtime's claim on its state directory: an OS lock on {@code agent.lock} for its whole
 * life (so a second runtime is refused even in a race), and {@code agent.pid}, written last, once
 * the runtime is ready. A pid file left by a crash is stale and replaced.
 */
final class StateClaim implements AutoCloseable {

    private final StateDir state;
    private final PidFile.Owner self;
    private final RunLock lock;
    private final Optional<PidFile.Owner> stale;
    private boolean announced;

    private StateClaim(StateDir state, PidFile.Owner self, RunLock lock, Optional<PidFile.Owner> stale) {
        this.state = state;
        this.self = self;
        this.lock = lock;
        this.stale = stale;
    }

    /** Takes the lock, or says which runtime holds the directory. */
    static StateClaim take(StateDir state, PidFile.Owner self) throws MainRuntime.AlreadyRunningException, IOException {
        state.ensureWritable();
        Optional<RunLock> claimed = RunLock.tryAcquire(state.runtimeLock());
        Optional<PidFile.Owner> other = PidFile.live(state.pidFile()).filter(o -> o.pid() != self.pid());
        if (claimed.isEmpty() || other.isPresent()) {
            claimed.ifPresent(StateClaim::closeQuietly);
            String pid = other.map(o -> Long.toString(o.pid())).orElseGet(() -> RunLock.holder(state.runtimeLock()));
            throw new MainRuntime.AlreadyRunningException("a main runtime (pid " + pid + ") is already running for " + state.root()
                    + "; hand it goals with: agent run \"GOAL\"");
        }
        return new StateClaim(state, self, claimed.get(), PidFile.read(state.pidFile()));
    }

    /** The pid file a crashed runtime left, if any (read before this one replaces it). */
    Optional<PidFile.Owner> stale() {
        return stale;
    }

    /** Writes {@code agent.pid}: from now on clients hand this runtime their goals. */
    void announce() throws IOException {
        PidFile.write(state.pidFile(), self);
        announced = true;
    }

    /** Deletes {@code agent.pid} (if this runtime wrote it) and releases the lock. */
    @Override
    public void close() {
        if (announced) {
            try {
                PidFile.removeIfOwned(state.pidFile(), self);
            } catch (IOException ignored) {
                // the next runtime sees it is stale
            }
        }
        closeQuietly(lock);
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // on the way out
        }
    }
}
