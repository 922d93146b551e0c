package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible chat client ({@code POST {base}/chat/completions}, {@code GET {base}/models}),
 * streamed or not. It retries 429, 5xx and dropped connections with exponential backoff, honouring
 * {@code Retry-After}, and turns every way a server can fail into one of three outcomes: unreachable
 * ({@link ModelUnavailableException}), request rejected ({@link ModelRequestException}), or an
 * unreadable reply ({@link MalformedReplyException}), which the run reports to the model.
 */
public final class ModelClient implements ChatModel {

    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(120);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-watchdog");
        t.setDaemon(true);
        return t;
    });

    /**
     * The HTTP client's internal steps (reading a reply, completing the caller's future) run on virtual
     * threads rather than its default pool of platform threads: with hundreds of runs waiting on the model
     * at once, each reply cost a platform-thread handoff (the concurrency benchmark: less client CPU per request).
     */
    private static final java.util.concurrent.Executor HTTP_TASKS = Thread::startVirtualThread;

    private final ModelSettings settings;
    private final HttpClient http;

    /**
     * Loads the HTTP client's classes and the default TLS context on a background thread. A process
     * that will talk to the model (a run, a resume) calls this first thing: about a quarter of a
     * second of one-time setup then overlaps the command line's own, instead of delaying the first request.
     */
    public static void warmUpInBackground() {
        Thread.ofPlatform().daemon().name("http-warm-up").start(() -> {
            try {
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().close();
            } catch (RuntimeException ignored) {
                // the real client, built later, reports whatever is wrong
            }
        });
    }

    public ModelClient(ModelSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(HTTP_TASKS)
                .build();
    }

    @Override
    public ModelSettings settings() {
        return settings;
    }

    /** {@code LLM_MODEL}, else the first model the server lists. */
    @Override
    public String resolveModel() throws ModelUnavailableException, InterruptedException {
        if (settings.model().isPresent()) {
            return settings.model().get();
        }
        String url = settings.baseUrl() + "/models";
        HttpResponse<String> response;
        try {
            response = http.send(request(url).GET().timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new ModelUnavailableException("the model server at " + settings.baseUrl() + " refused the API key (HTTP "
                    + response.statusCode() + "); check LLM_API_KEY");
        }
        if (response.statusCode() != 200) {
            throw new ModelUnavailableException("the model server at " + settings.baseUrl() + " answered GET /models with HTTP "
                    + response.statusCode() + "; set LLM_MODEL to skip the lookup");
        }
        try {
            JsonNode first = Json.parse(response.body()).path("data").path(0).path("id");
            if (first.isTextual() && !first.asText().isBlank()) {
                return first.asText();
            }
        } catch (IOException e) {
            // fall through to the message below
        }
        throw new ModelUnavailableException("the model server at " + settings.baseUrl()
                + " lists no model; load one (LM Studio: Developer > load a model) or set LLM_MODEL");
    }

    /**
     * One chat completion. {@code tools} null means none are offered natively (the text convention).
     */
    @Override
    public ModelReply chat(String model, List<JsonNode> messages, ArrayNode tools)
            throws ModelUnavailableException, ModelRequestException, MalformedReplyException, InterruptedException {
        return send(model, messages, tools, null);
    }

    /** A compaction's summary request: marked as such (a header the model never sees) so that servers and logs can tell it apart. */
    @Override
    public ModelReply summarize(String model, List<JsonNode> messages)
            throws ModelUnavailableException, ModelRequestException, MalformedReplyException, InterruptedException {
        return send(model, messages, null, "summary");
    }

    @Override
    public Optional<ContextWindow> contextWindow(String model) throws InterruptedException {
        return new WindowProbe(http, settings).find(model);
    }

    private ModelReply send(String model, List<JsonNode> messages, ArrayNode tools, String purpose)
            throws ModelUnavailableException, ModelRequestException, MalformedReplyException, InterruptedException {
        ObjectNode body = Json.object();
        body.put("model", model);
        // The conversation's nodes are serialised as they are: copying them each step cost a third of the loop.
        ArrayNode history = new ArrayNode(Json.MAPPER.getNodeFactory(), messages.size()); // sized once: a long run sends thousands
        messages.forEach(history::add);
        body.set("messages", history);
        if (tools != null && !tools.isEmpty()) {
            body.set("tools", tools);
            body.put("tool_choice", "auto");
        }
        body.put("stream", settings.stream());
        if (settings.stream()) {
            body.putObject("stream_options").put("include_usage", true);
        }
        byte[] payload = Json.bytes(body);
        String url = settings.baseUrl() + "/chat/completions";
        String lastProblem = "no attempt made";
        for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
            long started = System.nanoTime();
            Duration wait;
            try {
                HttpRequest.Builder builder = request(url);
                if (purpose != null) {
                    builder.header("X-Agent-Purpose", purpose);
                }
                HttpRequest request = builder
                        .header("Content-Type", "application/json")
                        .header("Accept", settings.stream() ? "text/event-stream, application/json" : "application/json")
                        .timeout(settings.timeout())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build();
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status == 200) {
                    ModelReply reply = read(response, tools == null);
                    long latency = (System.nanoTime() - started) / 1_000_000;
                    return new ModelReply(reply.content(), reply.toolCalls(), reply.usage(), reply.assistantMessage(), reply.textConvention(), latency);
                }
                String raw = errorBody(response);
                String error = excerpt(ServerErrors.message(raw));
                ServerErrors.Kind kind = ServerErrors.classify(status, raw);
                if (kind == ServerErrors.Kind.CONTEXT_OVERFLOW && status != 429 && status != 503) {
                    // Asking again sends the same prompt: the run must make it smaller first.
                    throw new ContextOverflowException(status, "the prompt is over the model's context window (HTTP " + status + "): "
                            + error, ServerErrors.window(raw));
                }
                if (kind == ServerErrors.Kind.UNPARSABLE_TOOL_CALL) {
                    // Ollama's parser failed on what the model wrote: the reply is malformed, the server is fine.
                    throw new MalformedReplyException("the server could not parse the model's tool call (" + error + ")");
                }
                if (status == 429 || status >= 500) {
                    lastProblem = "HTTP " + status + (error.isEmpty() ? "" : ": " + error);
                    wait = retryAfter(response).orElse(backoff(attempt));
                } else if (status == 401 || status == 403) {
                    throw new ModelUnavailableException("the model server at " + settings.baseUrl() + " refused the API key (HTTP " + status + "); check LLM_API_KEY");
                } else if (status == 404) {
                    throw new ModelUnavailableException("the model server at " + settings.baseUrl() + " has no model '" + model
                            + "' or no /chat/completions (HTTP 404); check LLM_MODEL and LLM_BASE_URL");
                } else {
                    throw new ModelRequestException(status, "the model server rejected the request (HTTP " + status + ")"
                            + (error.isEmpty() ? "" : ": " + error), kind == ServerErrors.Kind.TOOLS_REJECTED);
                }
            } catch (HttpConnectTimeoutException | ConnectException e) {
                lastProblem = describe(e);
                wait = backoff(attempt);
            } catch (IOException e) {
                // A dropped connection, a reset, or a timeout waiting for the answer.
                lastProblem = describe(e);
                wait = backoff(attempt);
            }
            if (attempt < settings.maxRetries()) {
                Thread.sleep(wait.toMillis());
            }
        }
        throw new ModelUnavailableException("cannot reach the model at " + settings.baseUrl() + " after "
                + (settings.maxRetries() + 1) + (settings.maxRetries() == 0 ? " attempt (" : " attempts (") + lastProblem + ")");
    }

    private ModelReply read(HttpResponse<InputStream> response, boolean textMode) throws IOException, MalformedReplyException, ModelRequestException {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        try (InputStream body = response.body()) {
            ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> closeQuietly(body), settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            try {
                if (contentType.contains("text/event-stream")) {
                    return StreamedReply.read(body, textMode);
                }
                byte[] bytes = body.readAllBytes();
                return parseCompletion(new String(bytes, StandardCharsets.UTF_8), textMode);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    static ModelReply parseCompletion(String text, boolean textMode) throws MalformedReplyException {
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (IOException e) {
            throw new MalformedReplyException("the reply was not valid JSON: " + excerpt(text));
        }
        if (root == null || !root.isObject()) {
            throw new MalformedReplyException("the reply was not a JSON object: " + excerpt(text));
        }
        JsonNode message = root.path("choices").path(0).path("message");
        if (!message.isObject()) {
            throw new MalformedReplyException("the reply has no choices[0].message: " + excerpt(text));
        }
        return Replies.fromMessage(message, usage(root.path("usage")), textMode);
    }

    static Tokens usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Tokens.ZERO;
        }
        long prompt = usage.path("prompt_tokens").asLong();
        long completion = usage.path("completion_tokens").asLong();
        long total = usage.has("total_tokens") ? usage.path("total_tokens").asLong() : prompt + completion;
        return new Tokens(prompt, completion, total);
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).header("User-Agent", "dev-agent");
        settings.apiKey().ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder;
    }

    private Duration backoff(int attempt) {
        long base = settings.retryBase().toMillis() << Math.min(attempt, 10);
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, base / 4));
        return Duration.ofMillis(Math.min(30_000, base + jitter));
    }

    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime when = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(), when);
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (RuntimeException ignored) {
                    return Optional.empty();
                }
            }
        }).map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
    }

    /** The start of an error answer's body, with the API key masked (some proxies echo the Authorization header back). */
    private String errorBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            String key = settings.apiKey().orElse("");
            return key.isBlank() ? text : text.replace(key, "***");
        } catch (IOException e) {
            return "";
        }
    }

    private ModelUnavailableException unreachable(IOException e) {
        return new ModelUnavailableException("cannot reach the model at " + settings.baseUrl() + " (" + describe(e)
                + "); is LM Studio's server running? Set LLM_BASE_URL to use another server");
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out waiting for the answer";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : excerpt(message);
    }

    static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is how the watchdog interrupts a stalled read
        }
    }
}
