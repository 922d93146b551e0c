package io.devagent.mcp;

import io.devagent.audit.Redactor;
import io.devagent.config.Environment;
import io.devagent.tool.Tool;
import io.devagent.tool.ToolRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The MCP endpoints of {@code tools/mcp_endpoints.json}, live: connected at start (in parallel, each
 * within its connect timeout, so a dead endpoint delays nothing beyond that and fails nothing),
 * health-checked and reconnected in the background ({@link HealthChecker}), their status kept in the
 * file ({@link EndpointsFile}), and their tools offered to runs as {@code <endpoint>__<tool>} while
 * they are up ({@link ToolRegistry.Source}). A user's edit of the file is picked up on the next tick:
 * new endpoints connect, removed ones close, changed ones reconnect.
 *
 * <p>{@link #close()} stops the stdio servers. A process that dies without closing still closes
 * their standard input, and MCP stdio servers exit on that.
 */
public final class McpRegistry implements ToolRegistry.Source, AutoCloseable {

    private final Path file;
    private final Environment env;
    private final Consumer<String> log;
    private final Map<String, EndpointLink> links = new LinkedHashMap<>(); // guarded by this
    private final Set<String> secrets = new LinkedHashSet<>(); // guarded by itself
    private final Set<String> dirty = new LinkedHashSet<>(); // guarded by itself
    private final HealthChecker health = new HealthChecker(this);
    private volatile Redactor redactor;
    private Object seen; // the file's size and modification time when last read or written; guarded by this
    private String lastLoadError; // guarded by this
    private volatile boolean closed;

    private McpRegistry(Path file, Environment env, Consumer<String> log) {
        this.file = file;
        this.env = env;
        this.log = log;
        this.redactor = Redactor.from(env, List.of());
    }

    /**
     * Loads the file and connects its endpoints, waiting at most for the slowest connect timeout;
     * then keeps them current in the background. A missing file gives a registry with no endpoints
     * that picks the file up once it appears; a broken one is reported to {@code log} the same way.
     */
    public static McpRegistry start(Path file, Environment env, Consumer<String> log) {
        McpRegistry registry = new McpRegistry(file, env, log);
        List<EndpointLink> added = registry.load();
        registry.connectAll(added);
        registry.flushStatus();
        registry.health.start(tick(added));
        return registry;
    }

    /**
     * Probes every endpoint of the file now ({@code agent mcp check}): connects, lists the tools,
     * records each status in the file, and disconnects. Returns the statuses by endpoint name.
     */
    public static Map<String, EndpointStatus> check(Path file, Environment env) throws IOException, EndpointsException {
        EndpointsFile.Loaded loaded = EndpointsFile.read(file);
        McpRegistry registry = new McpRegistry(file, env, line -> {
        });
        try {
            List<EndpointLink> links = new ArrayList<>();
            synchronized (registry) {
                for (Endpoint endpoint : loaded.endpoints()) {
                    EndpointLink link = new EndpointLink(endpoint, EndpointStatus.unknown(), registry.owner(), env, file.getParent());
                    registry.links.put(endpoint.name(), link);
                    links.add(link);
                }
            }
            registry.connectAll(links);
            Map<String, EndpointStatus> statuses = new LinkedHashMap<>();
            links.forEach(link -> statuses.put(link.endpoint().name(), link.status()));
            EndpointsFile.writeStatus(file, statuses);
            return statuses;
        } finally {
            registry.close();
        }
    }

    /** The endpoints and their current status, in file order. */
    public Map<String, EndpointStatus> statuses() {
        Map<String, EndpointStatus> statuses = new LinkedHashMap<>();
        links().forEach(link -> statuses.put(link.endpoint().name(), link.status()));
        return statuses;
    }

    public Path file() {
        return file;
    }

    @Override
    public Collection<? extends Tool> offered() {
        List<Tool> tools = new ArrayList<>();
        links().forEach(link -> tools.addAll(link.offered()));
        return tools;
    }

    @Override
    public Optional<Tool> find(String name) {
        for (EndpointLink link : links()) {
            Optional<McpTool> found = link.find(name);
            if (found.isPresent()) {
                return Optional.of(found.get());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> secrets() {
        synchronized (secrets) {
            return List.copyOf(secrets);
        }
    }

    /** Masks the endpoints' secrets (and the environment's) in a text. */
    public String mask(String text) {
        return redactor.redact(text);
    }

    synchronized List<EndpointLink> links() {
        return List.copyOf(links.values());
    }

    void log(String line) {
        if (!closed) {
            log.accept(mask(line));
        }
    }

    /** Reads the file again if it changed since it was last read or written, and applies the difference. */
    void reloadIfChanged() {
        Object now = stamp();
        List<EndpointLink> added;
        synchronized (this) {
            if (closed || java.util.Objects.equals(now, seen)) {
                return;
            }
        }
        added = load();
        // New and changed endpoints connect on the next ticks (they are due at once), off this thread.
        if (!added.isEmpty()) {
            flushStatus();
        }
    }

    /** Loads the file, replacing links whose config changed; returns the new links. */
    private List<EndpointLink> load() {
        EndpointsFile.Loaded loaded;
        Object stamp = stamp();
        try {
            loaded = EndpointsFile.read(file);
        } catch (IOException | EndpointsException e) {
            synchronized (this) {
                seen = stamp;
                String message = e instanceof EndpointsException ? e.getMessage() : file + ": cannot read: " + e.getMessage();
                if (!message.equals(lastLoadError)) {
                    lastLoadError = message;
                    log("MCP endpoints not (re)loaded, the ones in force stay: " + message);
                }
            }
            return List.of();
        }
        List<EndpointLink> added = new ArrayList<>();
        List<EndpointLink> removed = new ArrayList<>();
        synchronized (this) {
            seen = stamp;
            lastLoadError = null;
            Map<String, EndpointLink> next = new LinkedHashMap<>();
            for (Endpoint endpoint : loaded.endpoints()) {
                EndpointLink current = links.get(endpoint.name());
                if (current != null && current.endpoint().config().equals(endpoint.config())) {
                    next.put(endpoint.name(), current);
                } else {
                    EndpointLink link = new EndpointLink(endpoint, current == null ? loaded.status(endpoint.name()) : EndpointStatus.unknown(),
                            owner(), env, file.toAbsolutePath().getParent());
                    next.put(endpoint.name(), link);
                    added.add(link);
                    if (current != null) {
                        removed.add(current);
                    }
                }
            }
            links.values().stream().filter(link -> !next.containsValue(link)).forEach(removed::add);
            if (!links.isEmpty() && (!added.isEmpty() || !removed.isEmpty())) {
                log("MCP endpoints reloaded from " + file + ": " + next.size() + " endpoint(s)");
            }
            links.clear();
            links.putAll(next);
        }
        removed.forEach(EndpointLink::close);
        return added;
    }

    /**
     * Connects links in parallel and waits until each one's first connect attempt has finished, at
     * most the slowest connect timeout and a little more. A link whose attempt another thread already
     * runs (a health check tick) is waited for all the same: a run that starts after this offers the
     * tools of every endpoint that came up, and marks every other one down, never "not yet known".
     */
    void connectAll(List<EndpointLink> toConnect) {
        if (toConnect.isEmpty()) {
            return;
        }
        Duration bound = toConnect.stream().map(l -> l.endpoint().connectTimeout()).max(Duration::compareTo).orElseThrow().plusSeconds(5);
        long deadline = System.nanoTime() + bound.toNanos();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (EndpointLink link : toConnect) {
                if (link.firstAttemptDone()) {
                    continue; // its schedule, not this, says when it is tried again
                }
                pool.execute(() -> {
                    try {
                        link.checkIfIdle(); // returns at once if another thread is connecting it: awaited below
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        log("MCP endpoint '" + link.endpoint().name() + "': connecting failed unexpectedly: " + e);
                    }
                });
            }
            for (EndpointLink link : toConnect) {
                if (!link.awaitFirstAttempt(deadline)) {
                    log("MCP endpoint '" + link.endpoint().name() + "' did not finish connecting within " + McpConnection.seconds(bound)
                            + "; it goes on in the background and its tools are offered once it is up");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdown(); // not close(): an attempt past the bound goes on in the background
        }
    }

    /** Writes the statuses that changed since the last write. */
    void flushStatus() {
        Map<String, EndpointStatus> changed = new LinkedHashMap<>();
        synchronized (dirty) {
            if (dirty.isEmpty()) {
                return;
            }
            for (EndpointLink link : links()) {
                if (dirty.contains(link.endpoint().name())) {
                    changed.put(link.endpoint().name(), link.status());
                }
            }
            dirty.clear();
        }
        if (changed.isEmpty()) {
            return;
        }
        try {
            // The file's new stamp is not taken as seen: the next tick reads it again, so that an edit a user
            // saved just after this write is not mistaken for it (reading back an unchanged config does nothing).
            EndpointsFile.writeStatus(file, changed);
        } catch (IOException e) {
            log("MCP: cannot write the endpoints' status to " + file + ": " + e.getMessage());
        }
    }

    private EndpointLink.Owner owner() {
        return new EndpointLink.Owner() {
            @Override
            public void statusChanged(EndpointLink link) {
                synchronized (dirty) {
                    dirty.add(link.endpoint().name());
                }
            }

            @Override
            public void log(String line) {
                McpRegistry.this.log(line);
            }

            @Override
            public String mask(String text) {
                return McpRegistry.this.mask(text);
            }

            @Override
            public void secrets(List<String> found) {
                synchronized (secrets) {
                    if (secrets.addAll(found.stream().filter(s -> s != null && !s.isBlank()).toList())) {
                        redactor = Redactor.from(env, List.of()).withSecrets(List.copyOf(secrets));
                    }
                }
            }
        };
    }

    /** How often the background checks look for work: often enough for the shortest interval configured. */
    private static Duration tick(List<EndpointLink> links) {
        long shortest = links.stream().mapToLong(l -> l.endpoint().healthInterval().toMillis()).min().orElse(1000);
        return Duration.ofMillis(Math.max(50, Math.min(1000, shortest / 4)));
    }

    private Object stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(attributes.size(), attributes.lastModifiedTime().toMillis(), String.valueOf(attributes.fileKey()));
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            return "unreadable";
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        health.close();
        flushStatus();
        synchronized (this) {
            closed = true;
        }
        links().forEach(EndpointLink::close);
    }
}
