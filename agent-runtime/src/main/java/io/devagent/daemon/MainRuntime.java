package io.devagent.daemon;

import io.devagent.checkpoint.Snapshot;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.state.PidFile;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The main runtime: {@code agent run} with no goal, the container's long-lived process. It puts
 * its parts together and runs their life cycle:
 * <ul>
 *   <li>{@link StateClaim}: the state directory's lock and {@code agent.pid};</li>
 *   <li>{@link SocketServer} and {@link RunRequests}: goals, resumes, pauses and cancels over
 *   {@code agent.sock} ({@link Protocol}), each run on its own thread, all through one {@link Agent};</li>
 *   <li>{@link RunRegistry}: the runs in flight;</li>
 *   <li>{@link PolicyWatch} and {@link Housekeeping}: policy reloads, release evidence, MCP seed, retention;</li>
 *   <li>{@link SelfHealingStart}: the runs a crash or the last shutdown interrupted are resumed at start.</li>
 * </ul>
 * {@link #stop} (the JVM's shutdown hook on SIGTERM or SIGINT) asks every run in flight to pause
 * ({@code paused_by: shutdown}, so the next start resumes it), waits until each has checkpointed and
 * its follower has been told, then closes the socket, deletes {@code agent.pid} and releases the lock.
 */
public final class MainRuntime {

    /** A main runtime is already alive for this state directory. */
    public static final class AlreadyRunningException extends Exception {
        AlreadyRunningException(String message) {
            super(message);
        }
    }

    /** Why runs in flight are paused when the runtime stops; it ends up in their snapshots. */
    public static final String STOP_REASON = "the main runtime stopped (SIGTERM or SIGINT)";

    /** How long a stop waits for runs to reach a checkpoint: a tool call in flight is let finish. */
    private static final Duration PAUSE_GRACE = Duration.ofMinutes(3);

    private final AgentConfig config;
    private final Agent agent;
    private final RuntimeLog log;
    private final StateDir state;
    private final PidFile.Owner self = PidFile.Owner.current();
    private final RunRegistry registry = new RunRegistry();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stoppedByShutdown;
    // guarded by this: set by start, closed by stop
    private boolean stopping;
    private StateClaim claim;
    private SocketServer server;
    private RunRequests requests;
    private PolicyWatch policyWatch;
    private Housekeeping housekeeping;

    public MainRuntime(AgentConfig config, Agent agent, PrintWriter log) {
        this.config = config;
        this.agent = agent;
        this.log = new RuntimeLog(log, config);
        this.state = config.state();
    }

    /**
     * The whole life of the main runtime: registers the shutdown hook, claims the state directory,
     * serves until a signal stops it. Returns once stopped.
     */
    public void run() throws AlreadyRunningException, IOException, InterruptedException {
        Thread hook = new Thread(() -> {
            stoppedByShutdown = true;
            stop(STOP_REASON);
        }, "runtime-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            start();
        } catch (AlreadyRunningException | IOException | RuntimeException e) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down already
            }
            throw e;
        }
        serve();
    }

    /** Whether {@link #stop} came from the JVM's shutdown (a signal), so the JVM sets the exit status. */
    public boolean stoppedByShutdown() {
        return stoppedByShutdown;
    }

    /** Claims the state directory, listens on its socket, and resumes the runs left interrupted. */
    public synchronized void start() throws AlreadyRunningException, IOException {
        if (stopping) {
            throw new IOException("the main runtime is stopping");
        }
        Path workspace;
        try {
            workspace = config.workspace().toRealPath();
        } catch (IOException e) {
            throw new IOException("the workspace " + config.workspace() + " cannot be used: " + e.getMessage(), e);
        }
        claim = StateClaim.take(state, self);
        try {
            server = SocketServer.bind(state.socket());
            policyWatch = PolicyWatch.start(config, log);
            // Said before the pid file that announces readiness, so that whoever waits for readiness has the line too.
            claim.stale().ifPresent(s -> log.log("replaced a stale agent.pid (pid " + s.pid() + " is no longer the main runtime)"));
            claim.announce();
        } catch (IOException | RuntimeException e) {
            StateClaim.closeQuietly(policyWatch);
            StateClaim.closeQuietly(server);
            server = null;
            claim.close();
            claim = null;
            throw e;
        }
        requests = new RunRequests(agent, registry, log, workspace, self.pid(), config);
        log.log("main runtime started: pid " + self.pid() + ", state " + state.root() + ", workspace " + workspace
                + "; hand it goals with: agent run \"GOAL\"");
        housekeeping = new Housekeeping(config, log);
        housekeeping.start();
        if (SelfHealingStart.enabled(config)) {
            RunRequests hosting = requests;
            new SelfHealingStart(config, log, workspace).resumeAll((follower, request) -> hosting.host(follower, request, true));
        }
    }

    /** Accepts connections until the runtime stops; each gets its own thread. */
    public void serve() throws InterruptedException {
        SocketServer listening;
        RunRequests handling;
        synchronized (this) {
            listening = server;
            handling = requests;
        }
        if (listening != null) {
            listening.accept(handling::handle, log::log);
        }
        stopped.await();
    }

    /**
     * Stops: no new runs; every run in flight is asked to pause and waited for; then the socket is
     * closed, {@code agent.pid} deleted and the lock released. Safe to call more than once.
     */
    public void stop(String why) {
        List<RunRegistry.ActiveRun> runs;
        synchronized (this) {
            stopping = true;
            runs = registry.close();
        }
        if (runs == null) {
            awaitQuietly(stopped, PAUSE_GRACE.plus(RunRequests.FLUSH_GRACE));
            return;
        }
        try {
            if (!runs.isEmpty()) {
                log.log("stopping: pausing " + runs.size() + " run(s) at their next checkpoint");
            }
            runs.forEach(run -> run.control.requestPause(why, Snapshot.BY_SHUTDOWN));
            long deadline = System.nanoTime() + PAUSE_GRACE.toNanos();
            for (RunRegistry.ActiveRun run : runs) {
                long left = deadline - System.nanoTime();
                if (!RunRegistry.await(run, Duration.ofNanos(Math.max(0, left)))) {
                    log.log("run " + run.runId + " did not reach a checkpoint in time; the next start resumes it");
                }
            }
            synchronized (this) {
                StateClaim.closeQuietly(server);
                StateClaim.closeQuietly(policyWatch);
                StateClaim.closeQuietly(housekeeping);
                if (claim != null) {
                    claim.close();
                }
                if (server != null) {
                    log.log("main runtime stopped");
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    /** The runs in flight, by id (a run that has not started yet has none). */
    public List<String> activeRuns() {
        return registry.ids();
    }

    private static boolean awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
