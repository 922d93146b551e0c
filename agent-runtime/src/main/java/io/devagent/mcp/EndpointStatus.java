package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code status} block the runtime keeps on each endpoint of {@code tools/mcp_endpoints.json}:
 * {@code state}, {@code checked_at}, {@code latency_ms}, {@code tools} (how many) and {@code error}
 * (SPEC.md), plus {@code tool_names}, the server's tool names, so that listings need no connection.
 */
public record EndpointStatus(McpState state, String checkedAt, Long latencyMs, int tools, List<String> toolNames, String error) {

    public EndpointStatus {
        toolNames = toolNames == null ? List.of() : List.copyOf(toolNames);
    }

    public static EndpointStatus unknown() {
        return new EndpointStatus(McpState.UNKNOWN, null, null, 0, List.of(), null);
    }

    public static EndpointStatus up(long latencyMs, List<String> toolNames) {
        return new EndpointStatus(McpState.UP, Instant.now().toString(), latencyMs, toolNames.size(), toolNames, null);
    }

    public static EndpointStatus failed(McpState state, String error) {
        return new EndpointStatus(state, Instant.now().toString(), null, 0, List.of(), error);
    }

    public boolean up() {
        return state == McpState.UP;
    }

    /** The same status with what the last check measured. */
    public EndpointStatus checked(long latencyMs) {
        return new EndpointStatus(state, Instant.now().toString(), latencyMs, tools, toolNames, error);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object().put("state", state.json());
        if (checkedAt == null) {
            node.putNull("checked_at");
        } else {
            node.put("checked_at", checkedAt);
        }
        if (latencyMs == null) {
            node.putNull("latency_ms");
        } else {
            node.put("latency_ms", latencyMs);
        }
        node.put("tools", tools);
        if (error == null) {
            node.putNull("error");
        } else {
            node.put("error", error);
        }
        toolNames.forEach(node.putArray("tool_names")::add);
        if (toolNames.isEmpty()) {
            node.remove("tool_names");
        }
        return node;
    }

    /** What a file says; anything missing or malformed reads as unknown. */
    public static EndpointStatus fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            return unknown();
        }
        List<String> names = new ArrayList<>();
        node.path("tool_names").forEach(n -> names.add(n.asText()));
        return new EndpointStatus(McpState.of(node.path("state").asText()), text(node, "checked_at"),
                node.path("latency_ms").isNumber() ? node.get("latency_ms").asLong() : null,
                node.path("tools").asInt(names.size()), names, text(node, "error"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
