package io.devagent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a completion as OpenAI-style server-sent events, split into several deltas like a real server. */
final class Streams {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Streams() {
    }

    static void sendStreamed(HttpExchange exchange, ObjectNode message, Usage usage, boolean includeUsage) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            String content = message.path("content").isTextual() ? message.get("content").asText() : null;
            event(out, delta(d -> d.put("role", "assistant")));
            if (content != null) {
                int half = content.length() / 2;
                for (String part : new String[] {content.substring(0, half), content.substring(half)}) {
                    if (!part.isEmpty()) {
                        event(out, delta(d -> d.put("content", part)));
                    }
                }
            }
            int index = 0;
            for (JsonNode call : message.path("tool_calls")) {
                int i = index++;
                JsonNode args = call.path("function").path("arguments");
                String argText = args.isTextual() ? args.asText() : args.toString();
                int half = argText.length() / 2;
                event(out, delta(d -> {
                    ObjectNode tc = d.putArray("tool_calls").addObject();
                    tc.put("index", i).put("id", call.path("id").asText()).put("type", "function");
                    tc.putObject("function").put("name", call.path("function").path("name").asText()).put("arguments", argText.substring(0, half));
                }));
                event(out, delta(d -> {
                    ObjectNode tc = d.putArray("tool_calls").addObject();
                    tc.put("index", i).putObject("function").put("arguments", argText.substring(half));
                }));
            }
            ObjectNode last = chunk();
            ObjectNode choice = ((ArrayNode) last.get("choices")).addObject();
            choice.put("index", 0).putObject("delta");
            choice.put("finish_reason", message.has("tool_calls") ? "tool_calls" : "stop");
            event(out, last);
            if (includeUsage) {
                ObjectNode usageChunk = chunk();
                usageChunk.set("usage", usage.toJson());
                event(out, usageChunk);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static ObjectNode chunk() {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", "chatcmpl-stream").put("object", "chat.completion.chunk");
        chunk.putArray("choices");
        return chunk;
    }

    private static ObjectNode delta(java.util.function.Consumer<ObjectNode> fill) {
        ObjectNode chunk = chunk();
        ObjectNode choice = ((ArrayNode) chunk.get("choices")).addObject();
        choice.put("index", 0);
        fill.accept(choice.putObject("delta"));
        choice.putNull("finish_reason");
        return chunk;
    }

    private static void event(OutputStream out, JsonNode chunk) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
