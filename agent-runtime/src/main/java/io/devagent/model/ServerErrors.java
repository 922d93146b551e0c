package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what an error answer is about, from the words local servers use: a prompt over the context
 * window, a rejection of the request's tools, or a model reply the server itself could not parse.
 */
final class ServerErrors {

    /** How an error answer is to be taken. */
    enum Kind { CONTEXT_OVERFLOW, TOOLS_REJECTED, UNPARSABLE_TOOL_CALL, OTHER }

    private static final Pattern OVERFLOW = Pattern.compile(
            "exceed_context_size_error|context_length_exceeded|maximum context length|exceeds the available context size"
                    + "|n_keep\\b.*n_ctx|context length of only|greater than the context length|prompt is too long"
                    + "|context window|too many tokens", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern[] WINDOW = {
            Pattern.compile("\"n_ctx\"\\s*:\\s*(\\d+)"),
            Pattern.compile("n_ctx\\s*[:=]\\s*(\\d+)"),
            Pattern.compile("maximum context length is (\\d+)", Pattern.CASE_INSENSITIVE),
            Pattern.compile("context length of only (\\d+)", Pattern.CASE_INSENSITIVE),
    };
    private static final Pattern TOOLS = Pattern.compile("\\btools?\\b|tool_choice|function[ _]call", Pattern.CASE_INSENSITIVE);
    private static final Pattern TOOL_PARSE = Pattern.compile("error parsing tool call", Pattern.CASE_INSENSITIVE);

    private ServerErrors() {
    }

    static Kind classify(int status, String body) {
        if (OVERFLOW.matcher(body).find()) {
            return Kind.CONTEXT_OVERFLOW;
        }
        if (status >= 500 && TOOL_PARSE.matcher(body).find()) {
            return Kind.UNPARSABLE_TOOL_CALL;
        }
        if (status == 400 && TOOLS.matcher(message(body)).find()) {
            return Kind.TOOLS_REJECTED;
        }
        return Kind.OTHER;
    }

    /** The window an overflow answer names (llama.cpp's n_ctx, vLLM's "maximum context length is N"). */
    static OptionalInt window(String body) {
        for (Pattern pattern : WINDOW) {
            Matcher m = pattern.matcher(body);
            if (m.find()) {
                try {
                    return OptionalInt.of(Integer.parseInt(m.group(1)));
                } catch (NumberFormatException ignored) {
                    // a number too large to be a window: keep looking
                }
            }
        }
        return OptionalInt.empty();
    }

    /** The human part of an error body: {@code error.message}, {@code error} or {@code message}, else the body. */
    static String message(String body) {
        try {
            JsonNode node = Json.parse(body);
            if (node != null) {
                for (JsonNode candidate : new JsonNode[] {node.path("error").path("message"), node.path("error"), node.path("message")}) {
                    if (candidate.isTextual()) {
                        return candidate.asText();
                    }
                }
            }
        } catch (IOException ignored) {
            // not JSON: the text itself
        }
        return body;
    }
}
