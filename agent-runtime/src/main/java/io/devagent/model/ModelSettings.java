package io.devagent.model;

import io.devagent.config.Environment;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How to reach the model (SPEC.md "Environment"): {@code LLM_BASE_URL}, {@code LLM_MODEL},
 * {@code LLM_API_KEY}, plus {@code LLM_STREAM}, {@code LLM_TOOL_MODE}, {@code LLM_TIMEOUT_SECONDS},
 * {@code LLM_MAX_RETRIES} and {@code LLM_RETRY_BASE_MS}.
 */
public record ModelSettings(String baseUrl, Optional<String> model, Optional<String> apiKey, boolean stream,
                            ToolMode toolMode, Duration timeout, int maxRetries, Duration retryBase) {

    public static final String DEFAULT_BASE_URL = "http://localhost:1234/v1";

    /** Native function calling, the documented text convention, or native first with a fallback. */
    public enum ToolMode { AUTO, NATIVE, TEXT }

    public ModelSettings {
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public static ModelSettings from(Environment env) {
        String mode = env.get("LLM_TOOL_MODE", "auto").toUpperCase(Locale.ROOT);
        ToolMode toolMode;
        try {
            toolMode = ToolMode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LLM_TOOL_MODE must be auto, native or text, not '" + mode.toLowerCase(Locale.ROOT) + "'");
        }
        return new ModelSettings(
                env.get("LLM_BASE_URL", DEFAULT_BASE_URL),
                env.get("LLM_MODEL"),
                env.get("LLM_API_KEY"),
                env.flag("LLM_STREAM", true),
                toolMode,
                Duration.ofSeconds(env.number("LLM_TIMEOUT_SECONDS", 600)),
                (int) env.number("LLM_MAX_RETRIES", 4),
                Duration.ofMillis(env.number("LLM_RETRY_BASE_MS", 500)));
    }

    public ModelSettings withModel(String name) {
        return new ModelSettings(baseUrl, Optional.of(name), apiKey, stream, toolMode, timeout, maxRetries, retryBase);
    }

    public ModelSettings withBaseUrl(String url) {
        return new ModelSettings(url, model, apiKey, stream, toolMode, timeout, maxRetries, retryBase);
    }
}
