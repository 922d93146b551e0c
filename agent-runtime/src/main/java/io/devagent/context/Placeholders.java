package io.devagent.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An older step as sent after a compaction: each tool output becomes a short line that says what
 * was there and how to get it again, and long arguments (a written file's content) and long texts are
 * cut. What the model decided and in what order stays; only the bulk goes. Deterministic, so that
 * a resume renders the same bytes.
 */
final class Placeholders {

    private static final int LONG_ARGUMENT = 240;
    private static final int LONG_TEXT = 1200;
    private static final String PLAN_TOOL = "update_plan";

    private Placeholders() {
    }

    static List<JsonNode> compact(int step, List<JsonNode> messages) {
        Map<String, String> calls = new HashMap<>();
        List<JsonNode> out = new ArrayList<>(messages.size());
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            String content = message.path("content").asText("");
            if (role.equals("assistant")) {
                for (JsonNode call : message.path("tool_calls")) {
                    calls.put(call.path("id").asText(), describe(call.path("function")));
                }
                out.add(assistant((ObjectNode) message));
            } else if (role.equals("tool")) {
                String call = calls.getOrDefault(message.path("tool_call_id").asText(), "a tool call");
                out.add(((ObjectNode) message).deepCopy().put("content", placeholder(call, step, content)));
            } else if (role.equals("user") && content.startsWith("<tool_result")) {
                out.add(((ObjectNode) message).deepCopy().put("content", placeholder("the tool calls", step, content)));
            } else {
                out.add(message);
            }
        }
        return out;
    }

    private static String placeholder(String call, int step, String content) {
        int bytes = content.getBytes(StandardCharsets.UTF_8).length;
        boolean failed = content.startsWith("error:");
        return "[compacted: " + (failed ? "the error" : "the output") + " of " + call + " at step " + step + " (" + bytes
                + " bytes) is no longer shown; call the tool again if you need it]";
    }

    private static JsonNode assistant(ObjectNode message) {
        ObjectNode copy = message.deepCopy();
        String content = copy.path("content").asText(null);
        if (content != null && content.length() > LONG_TEXT) {
            copy.put("content", content.substring(0, LONG_TEXT) + " […" + (content.length() - LONG_TEXT) + " characters compacted]");
        }
        for (JsonNode call : copy.path("tool_calls")) {
            ObjectNode function = (ObjectNode) call.path("function");
            if (PLAN_TOOL.equals(function.path("name").asText())) {
                continue; // the plan stays verbatim
            }
            JsonNode arguments = function.path("arguments");
            if (arguments.isTextual() && arguments.asText().length() > LONG_ARGUMENT) {
                try {
                    JsonNode parsed = Json.parse(arguments.asText());
                    if (parsed instanceof ObjectNode object) {
                        function.put("arguments", Json.write(shorten(object)));
                    }
                } catch (IOException ignored) {
                    // arguments that were not JSON were answered with an error; sent as they were
                }
            } else if (arguments instanceof ObjectNode object) {
                function.set("arguments", shorten(object));
            }
        }
        return copy;
    }

    private static ObjectNode shorten(ObjectNode arguments) {
        ObjectNode copy = arguments.deepCopy();
        Iterator<Map.Entry<String, JsonNode>> fields = copy.fields();
        List<String> longOnes = new ArrayList<>();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isTextual() && field.getValue().asText().length() > LONG_ARGUMENT) {
                longOnes.add(field.getKey());
            }
        }
        for (String key : longOnes) {
            String text = copy.get(key).asText();
            copy.put(key, text.substring(0, 80) + "[…" + (text.length() - 80) + " characters compacted]");
        }
        return copy;
    }

    /** {@code name(path=…)} for a call, as the placeholders name it. */
    static String describe(JsonNode function) {
        String name = function.path("name").asText("a tool");
        JsonNode arguments = function.path("arguments");
        if (arguments.isTextual()) {
            try {
                arguments = Json.parse(arguments.asText());
            } catch (IOException e) {
                return name;
            }
        }
        List<String> shown = new ArrayList<>();
        if (arguments instanceof ObjectNode object) {
            object.fields().forEachRemaining(f -> {
                if (f.getValue().isValueNode() && f.getValue().asText().length() <= 80) {
                    shown.add(f.getKey() + "=" + f.getValue().asText());
                }
            });
        }
        return name + "(" + String.join(", ", shown) + ")";
    }

}
