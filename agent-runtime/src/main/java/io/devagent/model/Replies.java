package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.util.ArrayList;
import java.util.List;

/** Builds a {@link ModelReply} from an assistant message, however its tool calls arrived. */
final class Replies {

    private Replies() {
    }

    static ModelReply fromMessage(JsonNode message, Tokens usage, boolean textMode) {
        String content = message.path("content").isTextual() ? message.path("content").asText() : null;
        List<ToolCall> calls = new ArrayList<>();
        int n = 0;
        for (JsonNode call : message.path("tool_calls")) {
            String id = call.path("id").asText("");
            if (id.isBlank()) {
                id = "call_" + n;
            }
            n++;
            JsonNode fn = call.path("function");
            calls.add(ToolCall.of(id, fn.path("name").asText(""), fn.get("arguments")));
        }
        boolean text = false;
        if (calls.isEmpty()) {
            // Models without native tool calling, or servers that pass their output through, write calls as text.
            calls.addAll(TextToolCalls.parse(content, 0));
            text = !calls.isEmpty() || textMode;
        }
        return new ModelReply(content, List.copyOf(calls), usage, assistantMessage(content, calls, text), text, 0);
    }

    /** The message kept in the conversation: arguments as JSON strings, the form every server accepts back. */
    private static ObjectNode assistantMessage(String content, List<ToolCall> calls, boolean text) {
        ObjectNode message = Json.object().put("role", "assistant");
        if (content == null) {
            message.putNull("content");
        } else {
            message.put("content", content);
        }
        if (!text && !calls.isEmpty()) {
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (ToolCall call : calls) {
                ObjectNode tc = toolCalls.addObject().put("id", call.id()).put("type", "function");
                tc.putObject("function").put("name", call.name()).put("arguments", call.rawArguments());
            }
        }
        return message;
    }
}
