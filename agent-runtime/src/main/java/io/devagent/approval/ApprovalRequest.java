package io.devagent.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

/**
 * A tool call that waits for a person's answer: which call of which step, what it would do
 * ({@code preview}: the diff of an edit, the command of a shell call), and since when. It is what
 * the journal's {@code approval} entry and the snapshot's {@code approval} field hold.
 */
public record ApprovalRequest(int step, int call, String id, String name, JsonNode arguments, String preview, String requestedAt) {

    public ObjectNode toJson() {
        ObjectNode node = Json.object().put("step", step).put("call", call).put("id", id).put("name", name);
        node.set("arguments", arguments == null ? Json.object() : arguments);
        return node.put("preview", preview).put("requested_at", requestedAt);
    }

    public static ApprovalRequest from(JsonNode node) {
        return new ApprovalRequest(node.path("step").asInt(), node.path("call").asInt(), node.path("id").asText(""),
                node.path("name").asText(""), node.path("arguments"), node.path("preview").asText(""),
                node.path("requested_at").asText(null));
    }

    /** The same call: a resumed step asks about a call once, however often it is taken up again. */
    boolean sameCall(int step, int call) {
        return this.step == step && this.call == call;
    }

    /** One line for messages: the tool and what it works on (a path, a command, a URL). */
    public String summary() {
        for (String key : new String[] {"path", "command", "url"}) {
            JsonNode value = arguments == null ? null : arguments.get(key);
            if (value != null && value.isTextual()) {
                String text = value.asText().replaceAll("\\s+", " ").strip();
                return name + " " + (text.length() > 80 ? text.substring(0, 80) + "…" : text);
            }
        }
        return name;
    }
}
