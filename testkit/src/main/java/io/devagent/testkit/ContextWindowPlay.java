package io.devagent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.devagent.testkit.ScriptedModelServer.ServerKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The part of a played local server that is about its context window: where it reports the loaded
 * window (LM Studio's /api/v0 and /api/v1 models, llama.cpp's /props, Ollama's /api/ps and
 * /api/show, vLLM's max_model_len), and what it does with a prompt over it (an overflow error in
 * that server's words, or a silent cut). It also measures what a test or benchmark asks about the
 * prompts: their size, how many were over, and how much of each repeats its predecessor.
 */
final class ContextWindowPlay {

    static final List<String> REPORT_PATHS = List.of("/api/v0/models", "/api/v1/models", "/props", "/api/ps", "/api/show");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** llama.cpp splits n_ctx between its slots; the played server has this many. */
    private static final int LLAMA_SLOTS = 2;

    private volatile ServerKind kind;
    private volatile int window;
    private volatile boolean reportWindow = true;
    private volatile boolean answerOverflow;
    private final List<Integer> promptTokens = new CopyOnWriteArrayList<>();
    private int overWindow;
    private String previousPrompt;
    private long repeatedBytes;
    private long previousBytes;

    synchronized void set(ServerKind kind, int window) {
        this.kind = kind;
        this.window = window;
    }

    void reportWindow(boolean report) {
        this.reportWindow = report;
    }

    void answerOverflow(boolean answer) {
        this.answerOverflow = answer;
    }

    synchronized int overWindow() {
        return overWindow;
    }

    List<Integer> promptTokens() {
        return List.copyOf(promptTokens);
    }

    synchronized double prefixReuse() {
        return previousBytes == 0 ? 1.0 : (double) repeatedBytes / previousBytes;
    }

    /** vLLM's /v1/models carries the window of each model. */
    void describeModel(ObjectNode model) {
        if (kind == ServerKind.VLLM && reportWindow) {
            model.put("max_model_len", window);
        }
    }

    /** Answers one of {@link #REPORT_PATHS} as the played server would, or 404 when it is not that server's. */
    void report(HttpExchange exchange, List<String> models) throws IOException {
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        ObjectNode body = null;
        if (kind != null && reportWindow) {
            body = switch (kind) {
                case LM_STUDIO -> lmStudio(path, models);
                case LLAMA_CPP -> path.equals("/props") ? llamaProps() : null;
                case OLLAMA -> ollama(path, models);
                default -> null;
            };
        }
        if (body == null) {
            ScriptedModelServer.send(exchange, 404, "text/plain", "Not Found".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        ScriptedModelServer.send(exchange, 200, "application/json", JSON.writeValueAsBytes(body), Map.of());
    }

    private ObjectNode lmStudio(String path, List<String> models) {
        ObjectNode body = JSON.createObjectNode();
        if (path.equals("/api/v0/models")) {
            ArrayNode data = body.put("object", "list").putArray("data");
            for (String id : models) {
                data.addObject().put("id", id).put("object", "model").put("type", "llm").put("state", "loaded")
                        .put("max_context_length", window * 4).put("loaded_context_length", window);
            }
            return body;
        }
        if (path.equals("/api/v1/models")) {
            ArrayNode data = body.putArray("models");
            for (String id : models) {
                ObjectNode model = data.addObject().put("type", "llm").put("key", id).put("max_context_length", window * 4);
                model.putArray("loaded_instances").addObject().put("id", id).putObject("config").put("context_length", window);
            }
            return body;
        }
        return null;
    }

    private ObjectNode llamaProps() {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("default_generation_settings").put("n_ctx", window * LLAMA_SLOTS);
        body.put("total_slots", LLAMA_SLOTS).put("model_path", "/models/scripted.gguf");
        return body;
    }

    private ObjectNode ollama(String path, List<String> models) {
        ObjectNode body = JSON.createObjectNode();
        if (path.equals("/api/ps")) {
            ArrayNode data = body.putArray("models");
            for (String id : models) {
                data.addObject().put("name", id).put("model", id).put("context_length", window);
            }
            return body;
        }
        if (path.equals("/api/show")) {
            body.put("parameters", "num_ctx                        " + window + "\nstop                           \"<|im_end|>\"");
            body.putObject("model_info").put("general.architecture", "qwen2").put("qwen2.context_length", window * 4);
            return body;
        }
        return null;
    }

    /** What the played server does with a chat request: serve it (maybe cut), or refuse it. */
    record Admission(JsonNode request, int status, String refusal) {
    }

    synchronized Admission admit(JsonNode request, boolean summary) {
        int tokens = tokens(request);
        promptTokens.add(tokens);
        if (!summary) {
            measureReuse(request);
        }
        if (kind == null || window <= 0 || tokens <= window) {
            return new Admission(request, 200, null);
        }
        overWindow++;
        return switch (kind) {
            case LLAMA_CPP -> new Admission(null, 400, "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available "
                    + "context size, try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":" + tokens
                    + ",\"n_ctx\":" + window + "}}");
            case VLLM -> new Admission(null, 400, "{\"object\":\"error\",\"message\":\"This model's maximum context length is "
                    + window + " tokens. However, you requested " + tokens + " tokens in the messages, Please reduce the length of "
                    + "the messages.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}");
            case OPENAI -> new Admission(null, 400, "{\"error\":{\"message\":\"This model's maximum context length is " + window
                    + " tokens. However, your messages resulted in " + tokens + " tokens. Please reduce the length of the "
                    + "messages.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}");
            case LM_STUDIO -> answerOverflow
                    ? new Admission(null, 400, "{\"error\":\"The number of tokens to keep from the initial prompt is greater than "
                    + "the context length (n_keep: " + tokens + " >= n_ctx: " + window + "). Try to load the model with a larger "
                    + "context length, or provide a shorter input.\"}")
                    : new Admission(cut(request), 200, null);
            case OLLAMA -> new Admission(cut(request), 200, null);
        };
    }

    /** What LM Studio and Ollama do with a long prompt: the oldest messages after the first are dropped until it fits. */
    private JsonNode cut(JsonNode request) {
        ObjectNode copy = request.deepCopy();
        ArrayNode messages = (ArrayNode) copy.path("messages");
        while (messages.size() > 2 && tokens(copy) > window) {
            messages.remove(1);
        }
        return copy;
    }

    /** The prompt tokens as the reported usage counts them (see {@link Usage}). */
    static int tokens(JsonNode request) {
        return Math.max(1, request.path("messages").toString().length() / 4);
    }

    private void measureReuse(JsonNode request) {
        // Tools come first in a chat template, then the messages in order.
        String prompt = request.path("tools").toString() + request.path("messages").toString();
        prompt = prompt.endsWith("]") ? prompt.substring(0, prompt.length() - 1) : prompt;
        if (previousPrompt != null) {
            int n = Math.min(previousPrompt.length(), prompt.length());
            int same = 0;
            while (same < n && previousPrompt.charAt(same) == prompt.charAt(same)) {
                same++;
            }
            repeatedBytes += same;
            previousBytes += previousPrompt.length();
        }
        previousPrompt = prompt;
    }
}
