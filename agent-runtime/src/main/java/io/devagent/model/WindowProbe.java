package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks the model server how large a context the loaded model has, where each local server tells
 * it: vLLM ({@code max_model_len} in {@code /v1/models}), LM Studio ({@code /api/v0/models}
 * {@code loaded_context_length}; {@code /api/v1/models} {@code loaded_instances[].config.context_length}),
 * llama.cpp ({@code /props}: {@code n_ctx} over {@code total_slots}, each slot's share) and Ollama
 * ({@code /api/ps} {@code context_length}; {@code /api/show} {@code num_ctx}). The native paths
 * live beside the OpenAI-compatible base URL, which usually ends in {@code /v1}. A server that
 * answers none of them tells nothing: the run then uses {@code LLM_CONTEXT_TOKENS} or learns the
 * window from the first overflow answer.
 */
final class WindowProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern NUM_CTX = Pattern.compile("(?m)^\\s*num_ctx\\s+(\\d+)");

    private final HttpClient http;
    private final ModelSettings settings;

    WindowProbe(HttpClient http, ModelSettings settings) {
        this.http = http;
        this.settings = settings;
    }

    Optional<ContextWindow> find(String model) throws InterruptedException {
        String base = settings.baseUrl();
        String root = base.endsWith("/v1") ? base.substring(0, base.length() - 3) : base;
        Optional<ContextWindow> found = get(base + "/models").flatMap(body -> vllm(body, model));
        if (found.isEmpty()) {
            found = get(root + "/api/v0/models").flatMap(body -> lmStudioV0(body, model));
        }
        if (found.isEmpty()) {
            found = get(root + "/api/v1/models").flatMap(body -> lmStudioV1(body, model));
        }
        if (found.isEmpty()) {
            found = get(root + "/props").flatMap(WindowProbe::llamaCpp);
        }
        if (found.isEmpty()) {
            found = get(root + "/api/ps").flatMap(body -> ollamaPs(body, model));
        }
        if (found.isEmpty()) {
            found = post(root + "/api/show", Json.write(Json.object().put("model", model))).flatMap(WindowProbe::ollamaShow);
        }
        return found;
    }

    private static Optional<ContextWindow> vllm(JsonNode body, String model) {
        for (JsonNode m : body.path("data")) {
            if (matches(m.path("id").asText(), model) && m.path("max_model_len").asInt() > 0) {
                return Optional.of(new ContextWindow(m.path("max_model_len").asInt(), "vLLM max_model_len"));
            }
        }
        return Optional.empty();
    }

    private static Optional<ContextWindow> lmStudioV0(JsonNode body, String model) {
        for (JsonNode m : body.path("data")) {
            if (matches(m.path("id").asText(), model) && m.path("loaded_context_length").asInt() > 0) {
                return Optional.of(new ContextWindow(m.path("loaded_context_length").asInt(), "LM Studio loaded_context_length"));
            }
        }
        return Optional.empty();
    }

    private static Optional<ContextWindow> lmStudioV1(JsonNode body, String model) {
        for (JsonNode m : body.path("models")) {
            for (JsonNode instance : m.path("loaded_instances")) {
                int length = instance.path("config").path("context_length").asInt();
                if (length > 0 && (matches(m.path("key").asText(), model) || matches(instance.path("id").asText(), model))) {
                    return Optional.of(new ContextWindow(length, "LM Studio context_length"));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ContextWindow> llamaCpp(JsonNode body) {
        int nCtx = body.path("default_generation_settings").path("n_ctx").asInt(body.path("n_ctx").asInt());
        if (nCtx <= 0) {
            return Optional.empty();
        }
        // llama.cpp splits its context between parallel slots: one request gets one slot's share.
        int slots = Math.max(1, body.path("total_slots").asInt(1));
        return Optional.of(new ContextWindow(nCtx / slots, "llama.cpp n_ctx/total_slots"));
    }

    private static Optional<ContextWindow> ollamaPs(JsonNode body, String model) {
        for (JsonNode m : body.path("models")) {
            if ((matches(m.path("name").asText(), model) || matches(m.path("model").asText(), model))
                    && m.path("context_length").asInt() > 0) {
                return Optional.of(new ContextWindow(m.path("context_length").asInt(), "Ollama context_length"));
            }
        }
        return Optional.empty();
    }

    /** Ollama's /api/show: the model's num_ctx parameter is what it loads with; the architecture's maximum is not. */
    private static Optional<ContextWindow> ollamaShow(JsonNode body) {
        Matcher m = NUM_CTX.matcher(body.path("parameters").asText(""));
        if (m.find()) {
            return Optional.of(new ContextWindow(Integer.parseInt(m.group(1)), "Ollama num_ctx"));
        }
        return Optional.empty();
    }

    private static boolean matches(String id, String model) {
        return !id.isEmpty() && (id.equals(model) || id.endsWith("/" + model) || model.endsWith("/" + id));
    }

    private Optional<JsonNode> get(String url) throws InterruptedException {
        return exchange(builder(url).GET().build());
    }

    private Optional<JsonNode> post(String url, String body) throws InterruptedException {
        return exchange(builder(url).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpRequest.Builder builder(String url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("User-Agent", "dev-agent");
        settings.apiKey().ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder;
    }

    /** Any failure is "this server does not tell": the window then comes from elsewhere. */
    private Optional<JsonNode> exchange(HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode node = Json.parse(response.body());
            return node == null || !node.isObject() ? Optional.empty() : Optional.of(node);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
