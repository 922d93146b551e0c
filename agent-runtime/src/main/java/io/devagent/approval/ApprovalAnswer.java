package io.devagent.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

/** A person's answer to a waiting call: approved or not, why, by whom, when. */
public record ApprovalAnswer(int step, int call, boolean approved, String reason, String by, String answeredAt) {

    public ObjectNode toJson() {
        ObjectNode node = Json.object().put("step", step).put("call", call).put("approved", approved);
        if (reason != null) {
            node.put("reason", reason);
        }
        return node.put("by", by).put("answered_at", answeredAt);
    }

    public static ApprovalAnswer from(JsonNode node) {
        return new ApprovalAnswer(node.path("step").asInt(), node.path("call").asInt(), node.path("approved").asBoolean(false),
                node.path("reason").asText(null), node.path("by").asText("unknown"), node.path("answered_at").asText(null));
    }

    /** What the model reads when the call is refused. */
    public String refusal(String tool) {
        return "refused: a person (" + by + ") denied this " + tool + " call"
                + (reason == null || reason.isBlank() ? "" : ": " + reason) + ". Do not repeat it; adapt instead.";
    }
}
