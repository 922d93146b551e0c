package io.devagent.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

/**
 * What a compaction changed in what is sent (never in what is kept): tool outputs of the steps up
 * to {@code elidedThrough} are sent as placeholders, and the steps up to {@code summarizedThrough}
 * as one summary. It is journaled, fsync'd, before the request that uses it, so that a resume
 * rebuilds the very same request bytes.
 */
public record Compaction(int atStep, int elidedThrough, int summarizedThrough, String summary, String plan, int window,
                         long tokensBefore, long tokensAfter, String trigger) {

    public static final Compaction NONE = new Compaction(0, 0, 0, null, null, 0, 0, 0, "none");

    public ObjectNode toJson() {
        ObjectNode node = Json.object().put("at_step", atStep).put("elided_through", elidedThrough)
                .put("summarized_through", summarizedThrough);
        if (summary != null) {
            node.put("summary", summary);
        }
        if (plan != null) {
            node.put("plan", plan);
        }
        return node.put("window", window).put("tokens_before", tokensBefore).put("tokens_after", tokensAfter)
                .put("trigger", trigger);
    }

    public static Compaction fromJson(JsonNode node) {
        return new Compaction(node.path("at_step").asInt(), node.path("elided_through").asInt(),
                node.path("summarized_through").asInt(), node.path("summary").asText(null), node.path("plan").asText(null),
                node.path("window").asInt(), node.path("tokens_before").asLong(), node.path("tokens_after").asLong(),
                node.path("trigger").asText("budget"));
    }
}
