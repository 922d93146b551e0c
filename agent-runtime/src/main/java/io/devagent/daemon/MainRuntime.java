package io.devagent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.Redactor;
import io.devagent.json.Json;
import io.devagent.model.ModelUnavailableException;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.run.RunException;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.devagent.state.PidFile;
import io.devagent.state.RunLock;
import io.devagent.state.StateDir;

import java.io.ByteArrayOutputStream;
import io.devagent.archive.Archiver;
import io.devagent.archive.ReleaseArtifacts;
import io.devagent.policy.HangupSignal;
import io.devagent.policy.PolicyHolder;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The main runtime: {@code agent run} with no goal, the container's long-lived process.
 *
 * <ul>
 *   <li>It claims the state directory: an OS lock on {@code agent.lock} for its whole life (so a
 *   second runtime is refused even in a race), then {@code agent.pid} written atomically with its
 *   pid and start time ({@link PidFile}). A pid file left by a crash is stale and replaced.</li>
 *   <li>It takes goals over the Unix domain socket {@code agent.sock} ({@link Protocol}), each run
 *   on its own thread, several at once, all through one shared {@link Agent}.</li>
 *   <li>{@link #stop} (the JVM's shutdown hook on SIGTERM or SIGINT) asks every run in flight to
 *   pause, waits until each has checkpointed itself as {@code paused} and its follower has been
 *   told, then closes the socket, deletes {@code agent.pid} and releases the lock.</li>
 *   <li>It logs one line when a run starts and one when it ends to its output (that is
 *   {@code docker logs}); goals and messages pass through the {@link Redactor} first.</li>
 * </ul>
 */
public final class MainRuntime {

    private AutoCloseable policyWatch;
    private java.util.concurrent.ScheduledExecutorService retentionTimer;

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
    /** How long the last events may take to reach a follower before its connection is closed. */
    private static final Duration FLUSH_GRACE = Duration.ofSeconds(5);
    /** Progress events queued for a follower that does not read are dropped past this many. */
    private static final int MAX_QUEUED_EVENTS = 256;

    private final AgentConfig config;
    private final Agent agent;
    private final PrintWriter log;
    private final StateDir state;
    private final PidFile.Owner self = PidFile.Owner.current();
    private final Set<ActiveRun> active = new LinkedHashSet<>(); // guarded by this
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private boolean stopping; // guarded by this
    private volatile boolean stoppedByShutdown;
    private ServerSocketChannel server; // guarded by this
    private RunLock lock; // guarded by this
    private Path workspace;

    public MainRuntime(AgentConfig config, Agent agent, PrintWriter log) {
        this.config = config;
        this.agent = agent;
        this.log = log;
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

    /** Claims the state directory and listens on its socket. */
    public synchronized void start() throws AlreadyRunningException, IOException {
        if (stopping) {
            throw new IOException("the main runtime is stopping");
        }
        try {
            workspace = config.workspace().toRealPath();
        } catch (IOException e) {
            throw new IOException("the workspace " + config.workspace() + " cannot be used: " + e.getMessage(), e);
        }
        state.ensureWritable();
        Optional<RunLock> claimed = RunLock.tryAcquire(state.runtimeLock());
        Optional<PidFile.Owner> other = PidFile.live(state.pidFile()).filter(o -> o.pid() != self.pid());
        if (claimed.isEmpty() || other.isPresent()) {
            claimed.ifPresent(MainRuntime::closeQuietly);
            String pid = other.map(o -> Long.toString(o.pid())).orElseGet(() -> RunLock.holder(state.runtimeLock()));
            throw new AlreadyRunningException("a main runtime (pid " + pid + ") is already running for " + state.root()
                    + "; hand it goals with: agent run \"GOAL\"");
        }
        lock = claimed.get();
        try {
            Optional<PidFile.Owner> stale = PidFile.read(state.pidFile());
            // A socket file left by a crash: this process holds the lock, so nothing serves it.
            Files.deleteIfExists(state.socket());
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(state.socket()));
            } catch (IOException e) {
                throw new IOException("cannot listen on " + state.socket() + ": " + e.getMessage(), e);
            }
            ownerOnly(state.socket());
            watchPolicy();
            // Said before the pid file that announces readiness, so that whoever waits for readiness has the line too.
            stale.ifPresent(s -> log("replaced a stale agent.pid (pid " + s.pid() + " is no longer the main runtime)"));
            PidFile.write(state.pidFile(), self);
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            server = null;
            closeQuietly(lock);
            lock = null;
            throw e;
        }
        log("main runtime started: pid " + self.pid() + ", state " + state.root() + ", workspace " + workspace
                + "; hand it goals with: agent run \"GOAL\"");
        installReleaseArtifacts();
        seedMcpEndpoints();
        scheduleRetention();
    }

    /** Accepts connections until the runtime stops; each gets its own thread. */
    public void serve() throws InterruptedException {
        ServerSocketChannel listening;
        synchronized (this) {
            listening = server;
        }
        while (listening != null && listening.isOpen()) {
            SocketChannel channel;
            try {
                channel = listening.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (!listening.isOpen()) {
                    break;
                }
                log("cannot accept a connection: " + e.getMessage());
                TimeUnit.MILLISECONDS.sleep(200);
                continue;
            }
            // A virtual thread per connection, and so per run: a run spends nearly all its time waiting on the
            // model, and hundreds of them at once (the concurrency benchmark) cost a platform thread each, and
            // a kernel context switch at every model reply, otherwise.
            Thread.ofVirtual().name("runtime-connection-" + connections.incrementAndGet()).start(() -> handle(channel));
        }
        stopped.await();
    }

    /**
     * Stops: no new runs; every run in flight is asked to pause and waited for; then the socket is
     * closed, {@code agent.pid} deleted and the lock released. Safe to call more than once.
     */
    public void stop(String why) {
        List<ActiveRun> runs;
        synchronized (this) {
            if (stopping) {
                runs = null;
            } else {
                stopping = true;
                runs = new ArrayList<>(active);
            }
        }
        if (runs == null) {
            awaitQuietly(stopped, PAUSE_GRACE.plus(FLUSH_GRACE));
            return;
        }
        try {
            if (!runs.isEmpty()) {
                log("stopping: pausing " + runs.size() + " run(s) at their next checkpoint");
            }
            runs.forEach(run -> run.control.requestPause(why));
            long deadline = System.nanoTime() + PAUSE_GRACE.toNanos();
            for (ActiveRun run : runs) {
                long left = deadline - System.nanoTime();
                if (!awaitQuietly(run.done, Duration.ofNanos(Math.max(0, left)))) {
                    log("run " + run.runId + " did not reach a checkpoint in time; resume it with: agent checkpoints resume " + run.runId);
                }
            }
            synchronized (this) {
                closeQuietly(server);
                if (server != null) {
                    try {
                        Files.deleteIfExists(state.socket());
                    } catch (IOException ignored) {
                        // a stale socket is replaced by the next runtime
                    }
                    try {
                        PidFile.removeIfOwned(state.pidFile(), self);
                    } catch (IOException e) {
                        log("cannot delete " + state.pidFile() + ": " + e.getMessage() + " (the next runtime sees it is stale)");
                    }
                }
                closeQuietly(lock);
                if (policyWatch != null) {
                    closeQuietly(policyWatch);
                }
                if (retentionTimer != null) {
                    retentionTimer.shutdownNow();
                }
                if (server != null) {
                    log("main runtime stopped");
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    /** The runs in flight, by id (a run that has not started yet has none). */
    public synchronized List<String> activeRuns() {
        return active.stream().map(r -> r.runId).filter(java.util.Objects::nonNull).toList();
    }

    private void handle(SocketChannel channel) {
        Connection connection = new Connection(channel);
        try {
            JsonNode request;
            try {
                request = readRequest(channel);
            } catch (IOException e) {
                connection.send(Protocol.error("unreadable request: " + e.getMessage(), Protocol.EXIT_USAGE), false);
                return;
            }
            if (request == null) {
                return; // connected and went away: a liveness probe
            }
            String op = request.path("op").asText("");
            switch (op) {
                case Protocol.PING -> connection.send(Json.object().put("event", Protocol.PONG).put("pid", self.pid())
                        .put("workspace", workspace.toString()).put("runs", activeRuns().size()), false);
                case Protocol.RUN, Protocol.RESUME -> serveRun(connection, request, Protocol.RESUME.equals(op));
                case Protocol.ANSWER -> {
                    ObjectNode resume = AnswerOp.take(request, state, Redactor.from(config.env(), config.policy().get().redact()));
                    if (Protocol.ERROR.equals(resume.path("event").asText())) {
                        connection.send(resume, false);
                    } else {
                        serveRun(connection, resume, true);
                    }
                }
                default -> connection.send(Protocol.error("unknown op '" + op + "'; expected run, resume, answer or ping", Protocol.EXIT_USAGE), false);
            }
        } catch (RuntimeException e) {
            log("a connection failed: " + e);
            connection.send(Protocol.error("internal error in the main runtime: " + e, Protocol.EXIT_FAILED), false);
        } finally {
            connection.close(FLUSH_GRACE);
        }
    }

    private void serveRun(Connection connection, JsonNode request, boolean resume) {
        String goal = Protocol.text(request, "goal");
        String runId = Protocol.text(request, "run_id");
        boolean detach = request.path("detach").asBoolean(false);
        if (!resume && (goal == null || goal.isBlank())) {
            connection.send(Protocol.error("the goal is empty", Protocol.EXIT_USAGE), false);
            return;
        }
        if (resume && (runId == null || runId.isBlank())) {
            connection.send(Protocol.error("resume needs a run_id", Protocol.EXIT_USAGE), false);
            return;
        }
        String mismatch = workspaceMismatch(Protocol.text(request, "workspace"));
        if (mismatch != null) {
            log("refused a goal: " + mismatch);
            connection.send(Protocol.error(mismatch, Protocol.EXIT_USAGE), false);
            return;
        }
        ActiveRun run = register(new RunControl(), runId);
        if (run == null) {
            connection.send(Protocol.error("the main runtime is stopping and takes no new runs; try again when it is back",
                    Protocol.EXIT_FAILED), false);
            return;
        }
        RunListener listener = new RunListener() {
            @Override
            public void started(String id, boolean resumed) {
                run.runId = id;
                Thread.currentThread().setName("run-" + id);
                log(resumed ? "run " + id + " resumed" : "run " + id + " started: " + describe(goal));
                connection.send(Protocol.started(id, resumed), false);
                if (detach) {
                    connection.close(FLUSH_GRACE);
                }
            }

            @Override
            public void progress(int step, long totalTokens, String activity) {
                connection.send(Protocol.progress(run.runId, step, totalTokens, activity), true);
            }
        };
        try {
            RunResult result = resume
                    ? agent.resume(runId, run.control, listener)
                    : agent.start(goal, Optional.ofNullable(runId), Optional.ofNullable(Protocol.text(request, "continue_from")),
                            run.control, listener);
            log(ended(result));
            connection.send(Protocol.result(result), false);
        } catch (ModelUnavailableException e) {
            log(notStarted(run, resume, runId) + e.getMessage());
            connection.send(Protocol.error(e.getMessage(), Protocol.EXIT_UNREACHABLE), false);
        } catch (RunException e) {
            log(notStarted(run, resume, runId) + e.getMessage());
            connection.send(Protocol.error(e.getMessage(), Protocol.EXIT_FAILED), false);
        } catch (InterruptedException e) {
            log(notStarted(run, resume, runId) + "interrupted");
            connection.send(Protocol.error("the run was interrupted", Protocol.EXIT_FAILED), false);
        } catch (RuntimeException e) {
            log(notStarted(run, resume, runId) + "internal error: " + e);
            connection.send(Protocol.error("internal error in the main runtime: " + e, Protocol.EXIT_FAILED), false);
        } finally {
            // The follower has its last event (or has gone) before a stop may close the runtime.
            connection.close(FLUSH_GRACE);
            unregister(run);
        }
    }

    private synchronized ActiveRun register(RunControl control, String runId) {
        if (stopping) {
            return null;
        }
        ActiveRun run = new ActiveRun(control, runId);
        active.add(run);
        return run;
    }

    private synchronized void unregister(ActiveRun run) {
        active.remove(run);
        run.done.countDown();
    }

    /** A goal is run on the runtime's workspace only: a client elsewhere is told, not silently redirected. */
    private String workspaceMismatch(String clientWorkspace) {
        if (clientWorkspace == null || clientWorkspace.isBlank()) {
            return null;
        }
        Path theirs;
        try {
            theirs = Path.of(clientWorkspace).toRealPath();
        } catch (IOException | InvalidPathException e) {
            theirs = Path.of(clientWorkspace).toAbsolutePath().normalize();
        }
        if (theirs.equals(workspace)) {
            return null;
        }
        return "the main runtime (pid " + self.pid() + ") works on " + workspace + ", not " + theirs
                + "; run the goal from that workspace, or use another state directory (--state-dir) for this one";
    }

    private String ended(RunResult result) {
        String id = result.runId();
        String tokens = String.format("%,d tokens", result.tokens() == null ? 0 : result.tokens().total());
        if (result.succeeded()) {
            return "run " + id + " succeeded after " + result.steps() + " step(s), " + tokens;
        }
        if (result.paused()) {
            return "run " + id + " paused at step " + result.steps() + " (" + redact(result.message())
                    + "); resume with: agent checkpoints resume " + id;
        }
        return "run " + id + " " + result.status() + " at step " + result.steps() + ": " + redact(result.message());
    }

    private static String notStarted(ActiveRun run, boolean resume, String runId) {
        if (run.runId != null) {
            return "run " + run.runId + " stopped: ";
        }
        return resume ? "run " + runId + " not resumed: " : "goal not started: ";
    }

    private String describe(String goal) {
        String text = redact(goal).replaceAll("\\s+", " ").strip();
        return "\"" + (text.length() > 100 ? text.substring(0, 100) + "…" : text) + "\"";
    }

    private String redact(String text) {
        if (text == null) {
            return "";
        }
        try {
            return Redactor.from(config.env(), config.policy().get().redact()).redact(text);
        } catch (RuntimeException e) {
            return Redactor.from(config.env(), List.of()).redact(text);
        }
    }

    /**
     * SIGHUP and changes to the policy file reload the policy; it applies from each run's next tool
     * call. Installed before agent.pid is written, so a reload signal can never stop the runtime.
     */
    private void watchPolicy() throws IOException {
        if (!(config.policy() instanceof PolicyHolder holder) || policyWatch != null) {
            return;
        }
        holder.addListener(result -> log(result.ok()
                ? "policy reloaded (" + result.trigger() + "): version " + result.version()
                : "policy rejected (" + result.trigger() + "): " + result.error() + "; version " + result.version() + " stays in force"));
        HangupSignal.handle(() -> holder.reload("SIGHUP"));
        holder.publishStatus(state.policyStatus());
        policyWatch = holder.watch();
    }

    /** The build's SBOM and any scan or signature the image carries go into release_artifacts/ (runbook §5). */
    private void installReleaseArtifacts() {
        Path from = config.env().get("AGENT_RELEASE_DIR").map(Path::of).orElse(ReleaseArtifacts.IMAGE_DIR);
        try {
            List<String> copied = ReleaseArtifacts.install(from, state);
            if (!copied.isEmpty()) {
                log("release evidence copied to " + state.releaseArtifacts() + ": " + String.join(", ", copied));
            }
        } catch (IOException e) {
            log("cannot copy the release evidence from " + from + ": " + e.getMessage());
        }
    }

    /** {@code AGENT_MCP_SEED}: the endpoints file a fresh state directory starts with (compose wires its MCP profile so). */
    private void seedMcpEndpoints() {
        Optional<Path> seed = config.env().get("AGENT_MCP_SEED").map(Path::of);
        if (seed.isEmpty() || java.nio.file.Files.exists(state.mcpEndpoints())) {
            return;
        }
        try {
            java.nio.file.Files.createDirectories(state.mcpEndpoints().getParent());
            io.devagent.state.AtomicFiles.write(state.mcpEndpoints(), java.nio.file.Files.readAllBytes(seed.get()), true);
            log("MCP endpoints seeded from " + seed.get());
        } catch (IOException e) {
            log("cannot seed the MCP endpoints from " + seed.get() + ": " + e.getMessage());
        }
    }

    /**
     * With {@code AGENT_RETENTION} (e.g. {@code 7d}) set, archives the audit logs of finished runs older
     * than that, and a metrics snapshot, every {@code AGENT_ARCHIVE_INTERVAL} (default a week).
     */
    private void scheduleRetention() {
        Optional<String> retention = config.env().get("AGENT_RETENTION");
        if (retention.isEmpty()) {
            return;
        }
        java.time.Duration age = Archiver.parseAge(retention.get());
        java.time.Duration every = Archiver.parseAge(config.env().get("AGENT_ARCHIVE_INTERVAL", "7d"));
        retentionTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention");
            t.setDaemon(true);
            return t;
        });
        retentionTimer.scheduleWithFixedDelay(() -> {
            try {
                Archiver.Report report = new Archiver(state).archive(age, Optional.empty());
                log("archived " + report.archived().size() + " audit logs and a metrics snapshot into " + report.directory()
                        + (report.broken().isEmpty() ? "" : "; left in place, chain broken: " + String.join("; ", report.broken())));
            } catch (IOException | RuntimeException e) {
                log("archiving failed: " + e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        log("retention: audit logs of runs finished more than " + retention.get() + " ago are archived every "
                + config.env().get("AGENT_ARCHIVE_INTERVAL", "7d"));
    }

    private void log(String message) {
        synchronized (log) {
            log.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
            log.flush();
        }
    }

    /** One request line; null when the client closed without sending one. */
    private static JsonNode readRequest(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                if (line.size() == 0) {
                    return null;
                }
                break;
            }
            buffer.flip();
            boolean end = false;
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    end = true;
                    break;
                }
                line.write(b);
            }
            if (line.size() > Protocol.MAX_REQUEST_BYTES) {
                throw new IOException("longer than " + Protocol.MAX_REQUEST_BYTES + " bytes");
            }
            if (end) {
                break;
            }
        }
        JsonNode request = Json.parse(line.toString(StandardCharsets.UTF_8));
        if (!request.isObject()) {
            throw new IOException("not a JSON object");
        }
        return request;
    }

    private static void ownerOnly(Path socket) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX filesystem: the state directory's own permissions guard it
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // on the way out
        }
    }

    /** A run in flight, so that a stop can pause it and wait for it. */
    private static final class ActiveRun {
        final RunControl control;
        final CountDownLatch done = new CountDownLatch(1);
        volatile String runId;

        ActiveRun(RunControl control, String runId) {
            this.control = control;
            this.runId = runId;
        }
    }

    /**
     * One client connection. Events are queued and written by their own thread, so that a follower
     * that stops reading never holds up its run: past a bound, progress events are dropped.
     */
    private static final class Connection {
        private static final String END = "\u0000end";

        private final SocketChannel channel;
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final Thread writer;
        private volatile boolean open = true;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        Connection(SocketChannel channel) {
            this.channel = channel;
            this.writer = Thread.ofVirtual().name(Thread.currentThread().getName() + "-writer").unstarted(this::drain);
            writer.start();
        }

        void send(ObjectNode event, boolean droppable) {
            if (!open || (droppable && queue.size() >= MAX_QUEUED_EVENTS)) {
                return;
            }
            queue.add(Json.write(event) + "\n");
        }

        /**
         * Writes what is queued (for at most {@code grace}), then closes; later events are dropped. No monitor is
         * held while joining the writer: on Java 21 a virtual thread waiting inside one pins its carrier, and
         * runs ending together could hold every carrier while their writers wait for one.
         */
        void close(Duration grace) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            open = false;
            queue.add(END);
            try {
                writer.join(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(channel);
        }

        private void drain() {
            try {
                while (true) {
                    String line = queue.take();
                    if (END.equals(line)) {
                        return;
                    }
                    ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                }
            } catch (IOException e) {
                open = false; // the follower went away; its run goes on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
