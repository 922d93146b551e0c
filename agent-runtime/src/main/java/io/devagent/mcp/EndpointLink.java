package io.devagent.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.tool.Effect;
import io.devagent.tool.OutputCap;
import io.devagent.tool.ToolContext;
import io.devagent.tool.ToolException;
import io.devagent.tool.ToolResult;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The live side of one endpoint: its connection (if any), its status, its tools, its rate limiter
 * and its reconnect schedule. A connected endpoint is pinged every {@code healthInterval}; one that
 * is not is retried after a backoff that doubles from one second (or the health interval, if
 * shorter) up to {@code maxBackoff}. Checks run one at a time per endpoint; calls run concurrently.
 *
 * <p>The status, the connection and the tools change together, under this link's lock: a tool list
 * change announced by the server while the link is connecting (server-everything announces one right
 * after {@code initialized}) must not write back the status it read before the connect made it up.
 */
final class EndpointLink {

    /** What the link reports to its registry. */
    interface Owner {
        /** The status changed (or was refreshed): it should reach the file. */
        void statusChanged(EndpointLink link);

        /** A line for the runtime's log (state transitions). */
        void log(String line);

        /** Masks secrets (tokens) in text that leaves the link: errors, tool output. */
        String mask(String text);

        /** Remembers resolved secrets, so that they are masked everywhere. */
        void secrets(List<String> secrets);
    }

    private final Endpoint endpoint;
    private final Owner owner;
    private final Environment env;
    private final Path baseDir;
    private final RateLimiter limiter;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final Map<String, McpTool> known = new LinkedHashMap<>(); // guarded by this

    private volatile McpConnection connection; // written under this
    private volatile EndpointStatus status; // written under this
    private volatile List<McpTool> tools = List.of(); // written under this
    private volatile boolean closed;
    private Duration backoff; // guarded by this
    private long nextCheck; // System.nanoTime(), guarded by this

    EndpointLink(Endpoint endpoint, EndpointStatus recorded, Owner owner, Environment env, Path baseDir) {
        this.endpoint = endpoint;
        this.owner = owner;
        this.env = env;
        this.baseDir = baseDir;
        this.limiter = endpoint.rateLimit() == null ? null
                : new RateLimiter(endpoint.rateLimit().requestsPerMinute(), endpoint.rateLimit().burst());
        // Until this process has checked, the file's last word stands, but nothing is offered.
        this.status = recorded.up() ? new EndpointStatus(McpState.UNKNOWN, recorded.checkedAt(), null, recorded.tools(),
                recorded.toolNames(), null) : recorded;
        this.backoff = initialBackoff();
        this.nextCheck = System.nanoTime();
    }

    Endpoint endpoint() {
        return endpoint;
    }

    EndpointStatus status() {
        return status;
    }

    /** The tools to offer now: none unless the endpoint is up. */
    List<McpTool> offered() {
        return status.up() && connection != null ? tools : List.of();
    }

    /** A tool by its exposed name: a current one, one seen before, or a stand-in while the endpoint is not up. */
    Optional<McpTool> find(String name) {
        if (!name.startsWith(endpoint.name() + "__")) {
            return Optional.empty();
        }
        for (McpTool tool : offered()) {
            if (tool.name().equals(name)) {
                return Optional.of(tool);
            }
        }
        if (status.up()) {
            return Optional.empty(); // up, and it has no such tool
        }
        synchronized (this) {
            return Optional.of(known.getOrDefault(name, new McpTool(this, name)));
        }
    }

    /** Whether a check (ping, or reconnect) is due. */
    synchronized boolean due(long now) {
        return !closed && now - nextCheck >= 0;
    }

    /** Runs a due check unless one is already running; returns whether it ran. */
    boolean checkIfIdle() throws InterruptedException {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            check();
            return true;
        } finally {
            busy.set(false);
            firstAttempt.countDown();
        }
    }

    /**
     * Waits until this link's first check (its first connect attempt) has finished, whoever ran it
     * (the start, a health check tick after an edit of the file), or the link is closed; at most
     * until {@code deadline} ({@link System#nanoTime()}). Returns whether it finished.
     */
    boolean awaitFirstAttempt(long deadline) throws InterruptedException {
        return firstAttempt.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    boolean firstAttemptDone() {
        return firstAttempt.getCount() == 0;
    }

    /** Pings a connected endpoint; connects one that is not. */
    private void check() throws InterruptedException {
        if (closed) {
            return;
        }
        McpConnection current = connection;
        if (current != null && !current.closed()) {
            try {
                Duration latency = current.ping(pingTimeout());
                synchronized (this) {
                    if (current != connection) {
                        return;
                    }
                    status = status.up() ? status.checked(latency.toMillis())
                            : EndpointStatus.up(latency.toMillis(), names(current.tools()));
                    schedule(endpoint.healthInterval());
                }
                owner.statusChanged(this);
            } catch (McpConnection.Failure e) {
                lost(current, e.state(), "the health check failed: " + e.getMessage());
            }
            return;
        }
        connect();
    }

    /** Connects now (the start, a reconnect, {@code agent mcp check}). */
    void connect() throws InterruptedException {
        if (closed) {
            return;
        }
        Endpoint.Auth.Resolved auth;
        try {
            auth = endpoint.auth().resolve(env, baseDir);
            owner.secrets(auth.secrets());
        } catch (EndpointsException e) {
            failed(McpState.UNAUTHORIZED, e.getMessage());
            return;
        }
        long started = System.nanoTime();
        McpConnection opened;
        try {
            McpConnection[] self = new McpConnection[1];
            opened = McpConnection.open(endpoint, auth, list -> toolsChanged(self[0], list),
                    reason -> lost(self[0], McpState.DOWN, reason));
            self[0] = opened;
        } catch (McpConnection.Failure e) {
            failed(e.state(), e.getMessage());
            return;
        }
        long latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
        boolean wasUp;
        boolean adopted;
        synchronized (this) {
            wasUp = status.up();
            adopted = !closed; // else close() ran while this connected, and could not close this connection
            if (adopted) {
                // All at once: a tool list change that arrives meanwhile waits, and then applies to this state.
                connection = opened;
                tools = build(opened.tools());
                status = EndpointStatus.up(latency, names(opened.tools()));
                backoff = initialBackoff();
                schedule(endpoint.healthInterval());
            }
        }
        if (!adopted) {
            opened.close();
            return;
        }
        if (!wasUp) {
            owner.log("MCP endpoint '" + endpoint.name() + "' is up: " + tools.size() + " tools, connected in " + latency + " ms");
        }
        owner.statusChanged(this);
    }

    /** A connection that stopped working: it is closed, the endpoint marked, and a reconnect scheduled. */
    void lost(McpConnection which, McpState state, String reason) {
        synchronized (this) {
            if (which == null || which != connection) {
                return;
            }
            connection = null;
        }
        failed(state, reason); // first: from now on nothing is offered, and the reconnect is scheduled
        which.close();
    }

    private void failed(McpState state, String reason) {
        String error = owner.mask(reason);
        boolean changed;
        EndpointStatus previous;
        Duration wait;
        synchronized (this) {
            previous = status;
            changed = previous.state() != state || !error.equals(previous.error());
            status = EndpointStatus.failed(state, error);
            wait = backoff;
            backoff = min(backoff.multipliedBy(2), endpoint.maxBackoff());
            schedule(wait);
        }
        if (changed && (previous.state() != state)) {
            owner.log("MCP endpoint '" + endpoint.name() + "' is " + state.json() + ": " + error
                    + "; its tools are not offered; next attempt in " + McpConnection.seconds(wait));
        }
        owner.statusChanged(this);
    }

    private void toolsChanged(McpConnection which, List<McpSchema.Tool> list) {
        synchronized (this) {
            if (which == null || which != connection) {
                return;
            }
            EndpointStatus now = status;
            tools = build(list);
            status = new EndpointStatus(now.state(), now.checkedAt(), now.latencyMs(), list.size(), names(list), now.error());
        }
        owner.statusChanged(this);
    }

    private List<McpTool> build(List<McpSchema.Tool> list) {
        List<McpTool> built = new ArrayList<>();
        synchronized (this) {
            for (McpSchema.Tool tool : list) {
                McpTool wrapped = new McpTool(this, tool);
                built.add(wrapped);
                known.put(wrapped.name(), wrapped);
            }
        }
        return List.copyOf(built);
    }

    /** One tool call: available, within the rate limit, journaled unless read-only, bounded in time. */
    ToolResult call(McpTool tool, ObjectNode arguments, ToolContext ctx) throws ToolException, InterruptedException {
        McpConnection current = usable(tool);
        if (limiter != null) {
            Endpoint.RateLimit limit = endpoint.rateLimit();
            try {
                limiter.acquire(limit.maxWait());
            } catch (RateLimiter.Refused refused) {
                throw new ToolException("mcp_rate_limited", "refused: the rate limit of MCP endpoint '" + endpoint.name() + "' ("
                        + number(limit.requestsPerMinute()) + " calls per minute, burst " + limit.burst() + ") is used up; the next call "
                        + "would have to wait " + McpConnection.seconds(refused.waitNeeded()) + ", longer than the "
                        + McpConnection.seconds(limit.maxWait()) + " a call may wait. Call it less often, or go on without it for now.");
            }
            current = usable(tool); // it may have gone down while the call waited its turn
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> args = Json.MAPPER.convertValue(arguments, Map.class);
        if (!ctx.policy().tools().marksReadOnly(tool.name())) {
            ctx.effects().begin(Effect.mcp(tool.name(), "call tool '" + tool.mcpName() + "' on MCP endpoint '" + endpoint.name() + "'"));
        }
        McpSchema.CallToolResult result;
        try {
            result = current.call(tool.mcpName(), args, endpoint.timeout());
        } catch (TimeoutException e) {
            throw new ToolException("mcp_timeout", tool.name() + " did not finish within " + McpConnection.seconds(endpoint.timeout())
                    + " (the endpoint's timeoutSeconds) and was abandoned; the server may still be working on it");
        } catch (McpError e) {
            throw ToolException.failed(tool.name() + " failed: " + owner.mask(String.valueOf(e.getMessage())));
        } catch (McpConnection.Failure e) {
            lost(current, e.state(), e.getMessage());
            throw new ToolException("mcp_failed", "the call to " + tool.name() + " failed (" + owner.mask(e.getMessage())
                    + "); MCP endpoint '" + endpoint.name() + "' is marked " + e.state().json()
                    + " and its tools are unavailable until it is reconnected");
        }
        String text = OutputCap.cap(owner.mask(ResultText.of(result)), ctx.maxOutputBytes());
        boolean error = Boolean.TRUE.equals(result.isError());
        return new ToolResult(error ? "error: " + text : text, error);
    }

    private McpConnection usable(McpTool tool) throws ToolException {
        McpConnection current = connection;
        EndpointStatus now = status;
        if (current == null || current.closed() || !now.up() || tool.mcpName() == null) {
            throw new ToolException("mcp_unavailable", "MCP endpoint '" + endpoint.name() + "' is " + now.state().json()
                    + (now.error() == null ? "" : " (" + now.error() + ")") + ", so " + tool.name()
                    + " is unavailable until it is back; go on without it for now");
        }
        return current;
    }

    void close() {
        McpConnection current;
        synchronized (this) {
            closed = true;
            current = connection;
            connection = null;
        }
        firstAttempt.countDown();
        if (current != null) {
            current.close();
        }
    }

    private synchronized void schedule(Duration after) {
        nextCheck = System.nanoTime() + after.toNanos();
    }

    private Duration initialBackoff() {
        return min(Duration.ofSeconds(1), endpoint.healthInterval());
    }

    private Duration pingTimeout() {
        return min(endpoint.connectTimeout(), endpoint.timeout());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static List<String> names(List<McpSchema.Tool> list) {
        return list.stream().map(McpSchema.Tool::name).toList();
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
