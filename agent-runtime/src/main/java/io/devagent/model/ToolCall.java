package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.IOException;

/**
 * One tool call the model asked for. {@code arguments} is the parsed object, or null with
 * {@code argumentError} saying why it could not be read; the run answers the model with that error.
 */
public record ToolCall(String id, String name, ObjectNode arguments, String rawArguments, String argumentError) {

    /** Arguments may arrive as a JSON string (OpenAI) or as an object (some local servers). */
    public static ToolCall of(String id, String name, JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
            return new ToolCall(id, name, Json.object(), "{}", null);
        }
        if (arguments.isObject()) {
            return new ToolCall(id, name, (ObjectNode) arguments, Json.write(arguments), null);
        }
        if (arguments.isTextual()) {
            String raw = arguments.asText();
            if (raw.isBlank()) {
                return new ToolCall(id, name, Json.object(), "{}", null);
            }
            try {
                JsonNode parsed = Json.parse(raw);
                if (parsed instanceof ObjectNode object) {
                    return new ToolCall(id, name, object, raw, null);
                }
                return new ToolCall(id, name, null, raw, "arguments must be a JSON object, got " + parsed.getNodeType().name().toLowerCase());
            } catch (IOException e) {
                return new ToolCall(id, name, null, raw, "arguments are not valid JSON (" + firstLine(e.getMessage()) + ")");
            }
        }
        return new ToolCall(id, name, null, arguments.toString(), "arguments must be a JSON object");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
