package io.devagent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenAI-compatible HTTP server on loopback that answers from a script. It stands in for
 * LM Studio in tests and benchmarks: the client under test talks HTTP to it, nothing is mocked.
 *
 * <p>Replies are picked by {@link Selector}: by request count (the default), or by the number of
 * assistant messages in the request, which makes the script deterministic across a kill and resume.
 */
public final class ScriptedModelServer implements AutoCloseable {

    /** How the server picks the reply for a request. */
    public enum Selector { REQUEST_COUNT, ASSISTANT_TURNS }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The context attribute holding a latch released when the server closes; stalled replies wait on it. */
    private static final String CLOSING = "io.devagent.testkit.closing";
    /**
     * Pending connections the listening socket queues. Hundreds of clients connect at once in the
     * concurrency benchmark; past the queue, the kernel drops their SYNs and each retries a second later.
     */
    private static final int BACKLOG = 1024;

    private final HttpServer server;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Reply> script = new CopyOnWriteArrayList<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    /** Set by {@link #keepingRawRequests()}: the bodies as received, instead of {@link #requests}. */
    private final List<byte[]> rawRequests = new CopyOnWriteArrayList<>();
    private volatile boolean keepRaw;
    private final List<Map<String, List<String>>> chatHeaders = new CopyOnWriteArrayList<>();
    private final List<Map<String, List<String>>> modelsHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger chatCount = new AtomicInteger();
    /** Notified at each chat request, so that tests wait on arrivals instead of polling. */
    private final Object arrivals = new Object();
    private volatile int modelsStatus = 200;
    private volatile Selector selector = Selector.REQUEST_COUNT;
    private volatile List<String> models = List.of("scripted-model");
    private volatile Reply fallback = Reply.text("(script exhausted)");
    private volatile boolean keepRequests = true;
    /** The local server whose behaviour is played, and the context window it enforces (see {@link #playing}). */
    private final ContextWindowPlay play = new ContextWindowPlay();
    /** Compaction (summary) requests, told apart by the client's purpose header; not part of the script. */
    private final AtomicInteger summaryCount = new AtomicInteger();
    private volatile Reply summaryReply = Reply.text("Summary: the earlier steps read files and recorded their findings.");

    private ScriptedModelServer(HttpServer server) {
        this.server = server;
    }

    public static ScriptedModelServer start() {
        return start(0);
    }

    /** On this loopback port (0: an ephemeral one), for a server started by hand from a script. */
    public static ScriptedModelServer start(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
            ScriptedModelServer scripted = new ScriptedModelServer(server);
            server.createContext("/v1/models", scripted::models).getAttributes().put(CLOSING, scripted.closing);
            server.createContext("/v1/chat/completions", scripted::chat).getAttributes().put(CLOSING, scripted.closing);
            // Where LM Studio, llama.cpp and Ollama report the loaded context window (beside /v1).
            for (String path : ContextWindowPlay.REPORT_PATHS) {
                server.createContext(path, exchange -> scripted.play.report(exchange, scripted.models));
            }
            // One virtual thread per exchange: a delayed or stalled reply waits without holding a platform
            // thread, so hundreds of slow answers overlap instead of queuing behind a pool.
            server.setExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scripted-model-", 0).factory()));
            server.start();
            return scripted;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the scripted model server", e);
        }
    }

    /** The base URL to give the client, e.g. {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public ScriptedModelServer script(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    public ScriptedModelServer selectBy(Selector selector) {
        this.selector = selector;
        return this;
    }

    public ScriptedModelServer models(String... ids) {
        this.models = List.of(ids);
        return this;
    }

    /** Makes {@code GET /models} answer with this HTTP status (default 200, the model list). */
    public ScriptedModelServer modelsStatus(int status) {
        this.modelsStatus = status;
        return this;
    }

    /**
     * With {@code false}, chat requests are counted but their bodies and headers are not kept: a
     * benchmark's thousands of growing conversations would otherwise fill the heap.
     */
    public ScriptedModelServer keepRequests(boolean keep) {
        this.keepRequests = keep;
        return this;
    }

    /**
     * Plays a local model server of this kind with a context window of {@code windowTokens}: the
     * window is reported where that server reports it, and a request over it is answered as that
     * server answers (llama.cpp, vLLM, OpenAI: an overflow error; LM Studio, Ollama: the prompt is
     * cut silently). Prompt tokens are counted as the reported usage counts them (four characters a token).
     */
    public ScriptedModelServer playing(ServerKind kind, int windowTokens) {
        play.set(kind, windowTokens);
        return this;
    }

    /** The played server does not report its window (it still enforces it). */
    public ScriptedModelServer reportingNoWindow() {
        play.reportWindow(false);
        return this;
    }

    /** The played LM Studio answers a request over its window with its n_keep/n_ctx error instead of cutting the prompt. */
    public ScriptedModelServer answeringOverflow() {
        play.answerOverflow(true);
        return this;
    }

    /** The answer to compaction (summary) requests, which do not advance the script. */
    public ScriptedModelServer summaries(Reply reply) {
        this.summaryReply = reply;
        return this;
    }

    public int summaryRequestCount() {
        return summaryCount.get();
    }

    /** Chat requests whose prompt was over the played window (answered with an error or cut). */
    public int overWindowRequests() {
        return play.overWindow();
    }

    /** The prompt tokens of each chat request, as the played server counted them, in order. */
    public List<Integer> promptTokens() {
        return play.promptTokens();
    }

    /**
     * Prefix reuse over the agent's requests (summaries left out): the bytes of each request's
     * predecessor that it repeats at its start, summed, over the predecessors' bytes summed. A local
     * server reuses its KV cache for exactly that prefix.
     */
    public double prefixReuse() {
        return play.prefixReuse();
    }

    /** The reply once the script runs out (default: a plain final answer). */
    public ScriptedModelServer whenExhausted(Reply reply) {
        this.fallback = reply;
        return this;
    }

    /**
     * Keeps each chat request body as the bytes received instead of a JSON tree ({@link
     * #rawRequests()}): a benchmark's long run sends hundreds of megabytes of requests, and as
     * trees they make the garbage collector copy them at every young collection.
     */
    public ScriptedModelServer keepingRawRequests() {
        this.keepRaw = true;
        return this;
    }

    /** Every chat request body received, in order. */
    public List<JsonNode> requests() {
        if (keepRaw) {
            throw new IllegalStateException("this server keeps raw request bodies: use rawRequests()");
        }
        return Collections.unmodifiableList(new ArrayList<>(requests));
    }

    /** The content of every tool message in the last chat request's conversation, in order. */
    public List<String> lastToolMessages() {
        List<JsonNode> all = requests();
        List<String> out = new java.util.ArrayList<>();
        if (all.isEmpty()) {
            return out;
        }
        for (JsonNode message : all.get(all.size() - 1).path("messages")) {
            if (message.path("role").asText().equals("tool")) {
                out.add(message.path("content").asText());
            }
        }
        return out;
    }

    /** Every chat request body received, in order, as received ({@link #keepingRawRequests()}). */
    public List<byte[]> rawRequests() {
        return Collections.unmodifiableList(new ArrayList<>(rawRequests));
    }

    /** How many chat requests arrived at each conversation turn (index: assistant messages in the request). */
    public List<Integer> requestsPerTurn() {
        List<Integer> counts = new ArrayList<>();
        for (JsonNode request : requests) {
            int turn = assistantTurns(request);
            while (counts.size() <= turn) {
                counts.add(0);
            }
            counts.set(turn, counts.get(turn) + 1);
        }
        return counts;
    }

    /**
     * Blocks until at least {@code n} chat requests have arrived; fails with {@code what} when
     * {@code limit} passes first.
     */
    public void awaitChatRequests(int n, java.time.Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (arrivals) {
            while (chatCount.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the scripted model got " + chatCount.get() + " of the " + n
                            + " chat requests expected within " + limit.toSeconds() + " s");
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(arrivals, left);
            }
        }
    }

    public int chatRequestCount() {
        return chatCount.get();
    }

    /** The headers of every chat request received, in order; names are matched case-insensitively. */
    public List<Map<String, List<String>>> chatRequestHeaders() {
        return Collections.unmodifiableList(new ArrayList<>(chatHeaders));
    }

    /** The headers of every {@code GET /models} request received, in order. */
    public List<Map<String, List<String>>> modelsRequestHeaders() {
        return Collections.unmodifiableList(new ArrayList<>(modelsHeaders));
    }

    public int modelsRequestCount() {
        return modelsHeaders.size();
    }

    @Override
    public void close() {
        if (closing.getCount() == 0) {
            return; // closed already (by a test that takes the model away, then by its extension)
        }
        closing.countDown();
        server.stop(0);
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> copy.put(name, List.copyOf(values)));
        return Collections.unmodifiableMap(copy);
    }

    private void models(HttpExchange exchange) throws IOException {
        modelsHeaders.add(headers(exchange));
        if (modelsStatus != 200) {
            send(exchange, modelsStatus, "application/json",
                    ("{\"error\":{\"message\":\"scripted status " + modelsStatus + "\"}}").getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : models) {
            ObjectNode model = data.addObject().put("id", id).put("object", "model").put("owned_by", "testkit");
            play.describeModel(model);
        }
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(body), Map.of());
    }

    private void chat(HttpExchange exchange) throws IOException {
        JsonNode request;
        byte[] received = exchange.getRequestBody().readAllBytes();
        try {
            request = JSON.readTree(received);
        } catch (IOException e) {
            send(exchange, 400, "application/json", "{\"error\":{\"message\":\"bad json\"}}".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        boolean summary = "summary".equals(exchange.getRequestHeaders().getFirst("X-Agent-Purpose"));
        ContextWindowPlay.Admission admission = play.admit(request, summary);
        if (admission.refusal() != null) {
            send(exchange, admission.status(), "application/json", admission.refusal().getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        request = admission.request();
        if (summary) {
            summaryCount.incrementAndGet();
            summaryReply.serve(exchange, request);
            return;
        }
        if (keepRequests) {
            if (keepRaw) {
                rawRequests.add(received);
            } else {
                requests.add(request);
            }
            chatHeaders.add(headers(exchange));
        }
        int count = chatCount.getAndIncrement();
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
        int index = selector == Selector.REQUEST_COUNT ? count : assistantTurns(request);
        Reply reply = index < script.size() ? script.get(index) : fallback;
        reply.serve(exchange, request);
    }

    private static int assistantTurns(JsonNode request) {
        int n = 0;
        for (JsonNode message : request.path("messages")) {
            if ("assistant".equals(message.path("role").asText())) {
                n++;
            }
        }
        return n;
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body, Map<String, String> headers)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A scripted answer to one chat request. */
    @FunctionalInterface
    public interface Reply {

        void serve(HttpExchange exchange, JsonNode request) throws IOException;

        /** A final answer with no tool calls. */
        static Reply text(String content) {
            return completion(assistant(content, List.of()));
        }

        /** A native (function-calling) tool call; {@code arguments} is sent as a JSON string, as OpenAI does. */
        static Reply toolCall(String name, String argumentsJson) {
            return toolCalls(new ToolCallSpec(name, argumentsJson));
        }

        static Reply toolCalls(ToolCallSpec... calls) {
            return completion(assistant(null, List.of(calls)));
        }

        /** Content that holds tool calls in the text convention, for models without native tools. */
        static Reply content(String content) {
            return text(content);
        }

        /** A well-formed completion whose message is built by the caller. */
        static Reply completion(ObjectNode message) {
            return (exchange, request) -> {
                boolean stream = request.path("stream").asBoolean(false);
                Usage usage = Usage.estimate(request, message);
                if (stream) {
                    Streams.sendStreamed(exchange, message, usage, request.path("stream_options").path("include_usage").asBoolean(false));
                } else {
                    ObjectNode body = JSON.createObjectNode();
                    body.put("id", "chatcmpl-" + System.nanoTime()).put("object", "chat.completion").put("model", request.path("model").asText());
                    ObjectNode choice = body.putArray("choices").addObject();
                    choice.put("index", 0).set("message", message);
                    choice.put("finish_reason", message.has("tool_calls") ? "tool_calls" : "stop");
                    body.set("usage", usage.toJson());
                    send(exchange, 200, "application/json", JSON.writeValueAsBytes(body), Map.of());
                }
            };
        }

        /** An HTTP error status, optionally with a Retry-After header (seconds). */
        static Reply status(int status, String retryAfter) {
            return (exchange, request) -> send(exchange, status, "application/json",
                    ("{\"error\":{\"message\":\"scripted status " + status + "\"}}").getBytes(StandardCharsets.UTF_8),
                    retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter));
        }

        /** An HTTP error status with this JSON body, e.g. a server's own words for a rejected request. */
        static Reply error(int status, String body) {
            return (exchange, request) -> send(exchange, status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        /** A 200 whose body is whatever bytes are given, e.g. garbage that is not JSON. */
        static Reply raw(String contentType, String body) {
            return (exchange, request) -> send(exchange, 200, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        /** Ollama's answer when its own parser fails on the model's tool call: HTTP 500 "error parsing tool call". */
        static Reply ollamaToolParseError() {
            return (exchange, request) -> send(exchange, 500, "application/json",
                    "{\"error\":\"error parsing tool call: raw='{\\\"name\\\": read_file', err=unexpected end of JSON input\"}"
                            .getBytes(StandardCharsets.UTF_8), Map.of());
        }

        /** A reply made from the request, e.g. a script that reads the newest tool result to pick its next call. */
        static Reply from(java.util.function.Function<JsonNode, Reply> pick) {
            return (exchange, request) -> pick.apply(request).serve(exchange, request);
        }

        /** Drops the connection without an answer. */
        static Reply drop() {
            return (exchange, request) -> exchange.close();
        }

        /**
         * A 200 {@code text/event-stream} whose events carry exactly these {@code data:} payloads, e.g. a
         * chunk that is not JSON, an error chunk, or hand-made deltas; add {@code "[DONE]"} to end normally.
         */
        static Reply events(String... data) {
            return (exchange, request) -> {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    writeEvents(out, data);
                }
            };
        }

        /**
         * Starts a streamed answer with these {@code data:} payloads, then cuts the connection mid-stream:
         * no final chunk, no {@code [DONE]}, not even the end of the chunked body.
         */
        static Reply cutStream(String... data) {
            return (exchange, request) -> {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                writeEvents(exchange.getResponseBody(), data);
                // Leaving the handler with an exception before the body is finished makes the server
                // close the connection at once, which is what a crashed or killed model server does.
                throw new IOException("scripted cut of the stream");
            };
        }

        /**
         * Starts a streamed answer with these {@code data:} payloads, then stalls: the connection stays open
         * and nothing more is sent until the server closes. For the client's read deadline.
         */
        static Reply stalledStream(String... data) {
            return (exchange, request) -> {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                writeEvents(exchange.getResponseBody(), data);
                CountDownLatch closing = (CountDownLatch) exchange.getHttpContext().getAttributes().get(CLOSING);
                try {
                    closing.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            };
        }

        private static void writeEvents(OutputStream out, String... data) throws IOException {
            for (String payload : data) {
                out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }

        /** Waits before answering with {@code then}: a slow model. */
        static Reply delayed(long millis, Reply then) {
            return (exchange, request) -> {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.close();
                    return;
                }
                then.serve(exchange, request);
            };
        }

        /** Answers the first {@code times} requests with {@code first}, then with {@code then} (counted per reply). */
        static Reply firstThen(int times, Reply first, Reply then) {
            AtomicInteger served = new AtomicInteger();
            return (exchange, request) -> (served.getAndIncrement() < times ? first : then).serve(exchange, request);
        }

        private static ObjectNode assistant(String content, List<ToolCallSpec> calls) {
            ObjectNode message = JSON.createObjectNode().put("role", "assistant");
            if (content == null) {
                message.putNull("content");
            } else {
                message.put("content", content);
            }
            if (!calls.isEmpty()) {
                ArrayNode toolCalls = message.putArray("tool_calls");
                int i = 0;
                for (ToolCallSpec call : calls) {
                    ObjectNode tc = toolCalls.addObject();
                    tc.put("id", "call_" + System.nanoTime() + "_" + i++).put("type", "function");
                    ObjectNode fn = tc.putObject("function").put("name", call.name());
                    if (call.argumentsAsObject()) {
                        try {
                            fn.set("arguments", JSON.readTree(call.arguments()));
                        } catch (IOException e) {
                            throw new IllegalArgumentException(e);
                        }
                    } else {
                        fn.put("arguments", call.arguments());
                    }
                }
            }
            return message;
        }
    }

    /** The local model servers whose window reports and overflow behaviour the scripted server can play. */
    public enum ServerKind { LM_STUDIO, LLAMA_CPP, OLLAMA, VLLM, OPENAI }

    /** One tool call in a scripted reply. */
    public record ToolCallSpec(String name, String arguments, boolean argumentsAsObject) {
        public ToolCallSpec(String name, String arguments) {
            this(name, arguments, false);
        }
    }
}
