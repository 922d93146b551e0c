package io.devagent.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One live MCP session with one endpoint, through the official MCP Java SDK ({@link McpAsyncClient}
 * over its stdio, streamable HTTP or SSE transport): connected and initialized, its tools listed.
 * Every wait is bounded, and blocking waits can be interrupted (a run being paused).
 *
 * <p>A stdio server starts with a clean environment: the SDK's few inherited variables (PATH,
 * HOME, USER, LOGNAME, SHELL, TERM) and the endpoint's own {@code env}, never the runtime's secrets.
 */
final class McpConnection implements AutoCloseable {

    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());
    private static final McpSchema.Implementation CLIENT = McpSchema.Implementation.builder("dev-agent", version()).title("dev-agent").build();
    private static final int STDERR_LINES = 20;

    private final Endpoint endpoint;
    private final McpAsyncClient client;
    private final Process process;
    private final Deque<String> stderr;
    private volatile List<McpSchema.Tool> tools;
    private volatile boolean closed;

    private McpConnection(Endpoint endpoint, McpAsyncClient client, Process process, Deque<String> stderr) {
        this.endpoint = endpoint;
        this.client = client;
        this.process = process;
        this.stderr = stderr;
    }

    /** Why a connection or a call did not work, and what that says about the endpoint. */
    static final class Failure extends Exception {
        private final McpState state;

        Failure(McpState state, String message, Throwable cause) {
            super(message, cause);
            this.state = state;
        }

        McpState state() {
            return state;
        }
    }

    /**
     * Connects, initializes and lists the tools, all within the endpoint's connect timeout. On any
     * failure nothing is left running (a stdio server is stopped).
     *
     * @param toolsChanged told the new tool list when the server announces a change
     * @param exited       told when a stdio server's process ends
     */
    static McpConnection open(Endpoint endpoint, Endpoint.Auth.Resolved auth, Consumer<List<McpSchema.Tool>> toolsChanged,
                              Consumer<String> exited) throws Failure, InterruptedException {
        if (endpoint.transport() == Endpoint.Transport.STDIO) {
            checkCommand(endpoint);
        } else if (endpoint.transport() == Endpoint.Transport.SSE) {
            preflightSse(endpoint, auth);
        }
        Deque<String> stderr = new ArrayDeque<>();
        Duration connectTimeout = endpoint.connectTimeout();
        McpClientTransport transport = transport(endpoint, auth, stderr);
        McpConnection[] self = new McpConnection[1];
        McpAsyncClient client = McpClient.async(transport)
                .clientInfo(CLIENT)
                .capabilities(McpSchema.ClientCapabilities.builder().build())
                // Our own bound (await) comes first and says so clearly; the SDK's is a backstop.
                .initializationTimeout(connectTimeout.plusSeconds(2))
                // The runtime bounds each call itself (and can be interrupted); the SDK's own limit is a backstop.
                .requestTimeout(endpoint.timeout().plus(connectTimeout).plusSeconds(5))
                .toolsChangeConsumer(list -> {
                    McpConnection connection = self[0];
                    if (connection != null && !connection.closed) {
                        connection.tools = List.copyOf(list);
                        toolsChanged.accept(connection.tools);
                    }
                    return Mono.empty();
                })
                .build();
        Process process = null;
        long deadline = System.nanoTime() + connectTimeout.toNanos(); // both steps together, so that callers can bound the whole
        try {
            CompletableFuture<McpSchema.InitializeResult> initialized = client.initialize().toFuture();
            if (transport instanceof StdioClientTransport stdio) {
                initialized = untilExit(initialized, stdio, stderr, connectTimeout);
            }
            await(initialized, connectTimeout, connectTimeout, "connecting");
            process = transport instanceof StdioClientTransport stdio ? process(stdio) : null;
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            McpSchema.ListToolsResult listed = await(client.listTools().toFuture(), left, connectTimeout, "listing its tools");
            McpConnection connection = new McpConnection(endpoint, client, process, stderr);
            connection.tools = List.copyOf(listed.tools());
            self[0] = connection;
            if (process != null) {
                Process watched = process;
                watched.onExit().thenRun(() -> {
                    if (!connection.closed) {
                        exited.accept("the server process exited (code " + watched.exitValue() + ")" + connection.stderrTail());
                    }
                });
            }
            return connection;
        } catch (Failure | InterruptedException | RuntimeException e) {
            if (process == null && transport instanceof StdioClientTransport stdio) {
                process = process(stdio);
            }
            closeQuietly(client, process);
            if (e instanceof Failure f && f.state() == McpState.DOWN && endpoint.transport().http() && !auth.headers().isEmpty()
                    && refusesCredentials(endpoint, auth)) {
                throw new Failure(McpState.UNAUTHORIZED, "the server refused the credentials (HTTP 401/403)", f);
            }
            if (e instanceof Failure f && endpoint.transport() == Endpoint.Transport.STDIO) {
                String tail = tail(stderr);
                throw tail.isEmpty() ? f : new Failure(f.state(), f.getMessage() + tail, f.getCause());
            }
            throw e;
        }
    }

    List<McpSchema.Tool> tools() {
        return tools;
    }

    /** Pings the server; returns the round trip. */
    Duration ping(Duration timeout) throws Failure, InterruptedException {
        long started = System.nanoTime();
        await(client.ping().toFuture(), timeout, timeout, "answering a ping");
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Calls a tool. A JSON-RPC error from the server is a {@link McpError} (the server is fine, the
     * call is not); a call that takes longer than {@code timeout} is abandoned with a
     * {@link TimeoutException}; anything else is a {@link Failure} of the connection.
     */
    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments, Duration timeout)
            throws Failure, McpError, TimeoutException, InterruptedException {
        CompletableFuture<McpSchema.CallToolResult> future = client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build()).toFuture();
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof McpError error) {
                throw error;
            }
            throw failure(cause, "calling " + tool);
        }
    }

    boolean closed() {
        return closed;
    }

    /** Ends the session: a stdio server is asked to stop, and killed if it does not at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(client, process);
    }

    private String stderrTail() {
        return tail(stderr);
    }

    private static String tail(Deque<String> stderr) {
        return ServerOutput.lastLine(stderr);
    }

    private static McpClientTransport transport(Endpoint endpoint, Endpoint.Auth.Resolved auth, Deque<String> stderr) {
        McpSyncHttpClientRequestCustomizer headers = (builder, method, uri, body, context) -> auth.headers().forEach(builder::setHeader);
        return switch (endpoint.transport()) {
            case STDIO -> {
                List<String> argv = endpoint.command();
                ServerParameters parameters = ServerParameters.builder(argv.get(0)).args(argv.subList(1, argv.size()))
                        .env(endpoint.env()).build();
                StdioClientTransport stdio = new StdioClientTransport(parameters, JSON) {
                    @Override
                    protected ProcessBuilder getProcessBuilder() {
                        ProcessBuilder builder = new ProcessBuilder();
                        // Only what ServerParameters adds: a few harmless variables and the endpoint's own env.
                        builder.environment().clear();
                        if (endpoint.cwd() != null) {
                            builder.directory(new File(endpoint.cwd()));
                        }
                        return builder;
                    }
                };
                stdio.setStdErrorHandler(line -> {
                    synchronized (stderr) {
                        if (stderr.size() == STDERR_LINES) {
                            stderr.removeFirst();
                        }
                        stderr.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
                    }
                });
                yield stdio;
            }
            case STREAMABLE_HTTP -> {
                URI uri = URI.create(endpoint.url());
                yield HttpClientStreamableHttpTransport.builder(base(uri)).endpoint(pathAndQuery(uri))
                        .jsonMapper(JSON).connectTimeout(endpoint.connectTimeout()).addHttpRequestCustomizer(headers).build();
            }
            case SSE -> {
                URI uri = URI.create(endpoint.url());
                yield sse(uri, endpoint, headers);
            }
        };
    }

    /** The SDK reports a command that cannot start only as a connect timeout: say it plainly instead. */
    private static void checkCommand(Endpoint endpoint) throws Failure {
        String command = endpoint.command().get(0);
        if (command.contains(File.separator)) {
            Path path = endpoint.cwd() == null ? Path.of(command) : Path.of(endpoint.cwd()).resolve(command);
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new Failure(McpState.DOWN, "cannot start the server: " + path + " is not an executable file", null);
            }
            return;
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir).resolve(command))) {
                    return;
                }
            }
        }
        throw new Failure(McpState.DOWN, "cannot start the server: '" + command + "' is not found on the PATH", null);
    }

    /** The SSE transport is deprecated in the protocol (and the SDK) in favour of streamable HTTP; servers still offer it. */
    @SuppressWarnings("deprecation")
    private static McpClientTransport sse(URI uri, Endpoint endpoint, McpSyncHttpClientRequestCustomizer headers) {
        return HttpClientSseClientTransport.builder(base(uri)).sseEndpoint(pathAndQuery(uri))
                .jsonMapper(JSON).connectTimeout(endpoint.connectTimeout()).addHttpRequestCustomizer(headers).build();
    }

    private static String base(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String pathAndQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /**
     * The HTTP status a plain request to the endpoint gets (a GET for SSE, a ping POST for streamable
     * HTTP), with the endpoint's headers, reading no more than the status line and headers.
     */
    private static int probe(Endpoint endpoint, Endpoint.Auth.Resolved auth) throws java.io.IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(min(endpoint.connectTimeout(), Duration.ofSeconds(5))).build();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.url()))
                    .timeout(min(endpoint.connectTimeout(), Duration.ofSeconds(5)))
                    .header("Accept", endpoint.transport() == Endpoint.Transport.SSE ? "text/event-stream" : "application/json, text/event-stream");
            auth.headers().forEach(request::setHeader);
            request = endpoint.transport() == Endpoint.Transport.SSE ? request.GET()
                    : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}"));
            HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            response.body().close(); // an event stream never ends: stop reading it
            return response.statusCode();
        } finally {
            http.shutdownNow();
        }
    }

    /** After a failed connection to an HTTP endpoint with credentials: were they refused? (The SSE transport does not tell.) */
    private static boolean refusesCredentials(Endpoint endpoint, Endpoint.Auth.Resolved auth) {
        try {
            int status = probe(endpoint, auth);
            return status == 401 || status == 403;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The SDK's SSE transport waits out its whole timeout when the server refuses the event stream
     * (401, 404...): ask first, so that a refusal is reported at once and as what it is.
     */
    private static void preflightSse(Endpoint endpoint, Endpoint.Auth.Resolved auth) throws Failure, InterruptedException {
        int status;
        try {
            status = probe(endpoint, auth);
        } catch (java.io.IOException e) {
            throw failure(e, "connecting");
        }
        if (status == 401 || status == 403) {
            throw new Failure(McpState.UNAUTHORIZED, "the server refused the credentials (HTTP " + status + ")", null);
        }
        if (status < 200 || status >= 300) {
            throw new Failure(McpState.DOWN, "the server answered HTTP " + status + " to GET " + endpoint.url(), null);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Waits {@code timeout} at most; a failure says {@code bound} (the configured limit of which the timeout is what is left). */
    private static <T> T await(CompletableFuture<T> future, Duration timeout, Duration bound, String doing) throws Failure, InterruptedException {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Failure(McpState.DOWN, "no answer within " + seconds(bound) + " while " + doing, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Failure f) {
                throw f;
            }
            throw failure(e.getCause(), doing);
        }
    }

    /** A failure, classified: credentials refused, or the endpoint down (with the most telling message in the chain). */
    static Failure failure(Throwable error, String doing) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException auth) {
                int status = auth.getResponseInfo() == null ? 401 : auth.getResponseInfo().statusCode();
                return new Failure(McpState.UNAUTHORIZED, "the server refused the credentials (HTTP " + status + ")", error);
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return new Failure(McpState.DOWN, "connection refused while " + doing, error);
            }
            if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException || t instanceof TimeoutException) {
                return new Failure(McpState.DOWN, "timed out while " + doing, error);
            }
        }
        if (error instanceof McpError mcp) {
            return new Failure(McpState.DOWN, "the server answered an error while " + doing + ": " + mcp.getMessage(), error);
        }
        Throwable root = McpError.findRootCause(error);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "…";
        }
        return new Failure(McpState.DOWN, "failed while " + doing + ": " + message, error);
    }

    /**
     * {@code waiting}, or a failure as soon as the stdio server's process exits: a server that dies at start
     * is reported at once with its exit code, not after the whole connect timeout.
     */
    private static <T> CompletableFuture<T> untilExit(CompletableFuture<T> waiting, StdioClientTransport stdio, Deque<String> stderr,
                                                      Duration limit) {
        CompletableFuture<T> raced = new CompletableFuture<>();
        waiting.whenComplete((value, error) -> {
            if (error != null) {
                raced.completeExceptionally(error);
            } else {
                raced.complete(value);
            }
        });
        Thread.ofVirtual().name("mcp-stdio-exit").start(() -> {
            long deadline = System.nanoTime() + limit.toNanos();
            try {
                Process process = process(stdio);
                while (process == null && !raced.isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(10); // the transport starts the process inside connect; there is no event for it
                    process = process(stdio);
                }
                if (process == null) {
                    return;
                }
                Process started = process;
                int code = CompletableFuture.anyOf(started.onExit(), raced).thenApply(x -> started.isAlive() ? -1 : started.exitValue())
                        .get(limit.toNanos(), TimeUnit.NANOSECONDS);
                if (code < 0 || raced.isDone()) {
                    return;
                }
                // Its last words are read by the transport's own thread: give them a moment to arrive. (A server that
                // dies within a few milliseconds of writing them can lose them: the transport stops reading stderr
                // once the server's stdout has closed.)
                long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                while (ServerOutput.lastLine(stderr).isEmpty() && System.nanoTime() < settle) {
                    Thread.sleep(10);
                }
                raced.completeExceptionally(new Failure(McpState.DOWN, "the server process exited at once (exit code " + code + ")", null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the connect timeout reports it
            }
        });
        return raced;
    }

    private static Process process(StdioClientTransport transport) {
        try {
            Field field = StdioClientTransport.class.getDeclaredField("process");
            field.setAccessible(true);
            return (Process) field.get(transport);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // then a dead server is found by the health check's ping instead
        }
    }

    private static void closeQuietly(McpAsyncClient client, Process process) {
        try {
            client.closeGracefully().timeout(Duration.ofSeconds(2)).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(3));
        } catch (RuntimeException e) {
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // nothing more can be done for it
            }
        }
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String version() {
        return Optional.ofNullable(McpConnection.class.getPackage().getImplementationVersion()).orElse("dev");
    }
}
