package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Assembles a streamed completion (server-sent {@code chat.completion.chunk} events) into one reply. */
final class StreamedReply {

    private StreamedReply() {
    }

    static ModelReply read(InputStream body, boolean textMode) throws IOException, MalformedReplyException, ModelRequestException {
        ServerSentEvents events = new ServerSentEvents(body);
        StringBuilder content = new StringBuilder();
        boolean sawContent = false;
        Map<Integer, ObjectNode> calls = new TreeMap<>();
        Tokens usage = Tokens.ZERO;
        boolean done = false;
        boolean finished = false;
        Optional<ServerSentEvents.Event> event;
        while ((event = events.next()).isPresent()) {
            String data = event.get().data().strip();
            if (data.equals("[DONE]")) {
                done = true;
                break;
            }
            if (event.get().type().equals("error")) {
                throw new ModelRequestException(200, "the model server reported an error mid-stream: " + ModelClient.excerpt(errorText(data)));
            }
            JsonNode chunk;
            try {
                chunk = Json.parse(data);
            } catch (IOException e) {
                throw new MalformedReplyException("a streamed chunk was not valid JSON: " + ModelClient.excerpt(data));
            }
            if (chunk.has("error")) {
                JsonNode error = chunk.get("error");
                throw new ModelRequestException(200, "the model server reported an error mid-stream: "
                        + ModelClient.excerpt(error.isTextual() ? error.asText() : error.path("message").asText(error.toString())));
            }
            if (chunk.path("usage").isObject()) {
                usage = ModelClient.usage(chunk.get("usage"));
            }
            JsonNode choice = chunk.path("choices").path(0);
            if (!choice.path("finish_reason").isMissingNode() && !choice.path("finish_reason").isNull()) {
                finished = true;
            }
            JsonNode delta = choice.path("delta");
            if (delta.path("content").isTextual()) {
                content.append(delta.get("content").asText());
                sawContent = true;
            }
            for (JsonNode part : delta.path("tool_calls")) {
                int index = part.path("index").asInt(calls.size());
                ObjectNode call = calls.computeIfAbsent(index, i -> {
                    ObjectNode c = Json.object().put("id", "").put("type", "function");
                    c.putObject("function").put("name", "").put("arguments", "");
                    return c;
                });
                if (part.path("id").isTextual()) {
                    call.put("id", part.get("id").asText());
                }
                JsonNode fn = part.path("function");
                ObjectNode target = (ObjectNode) call.get("function");
                if (fn.path("name").isTextual()) {
                    target.put("name", target.get("name").asText() + fn.get("name").asText());
                }
                JsonNode args = fn.get("arguments");
                if (args != null && !args.isNull()) {
                    String piece = args.isTextual() ? args.asText() : Json.write(args);
                    target.put("arguments", target.get("arguments").asText() + piece);
                }
            }
        }
        if (!done && !finished) {
            // The connection ended before the server said it was done: treat it as dropped and retry.
            throw new EOFException("the stream ended before the reply was complete");
        }
        ObjectNode message = Json.object().put("role", "assistant");
        if (sawContent) {
            message.put("content", content.toString());
        } else {
            message.putNull("content");
        }
        if (!calls.isEmpty()) {
            ArrayNode array = message.putArray("tool_calls");
            calls.values().forEach(array::add);
        }
        return Replies.fromMessage(message, usage, textMode);
    }

    /** An error event's message: its JSON {@code error.message} or {@code message}, or its text. */
    private static String errorText(String data) {
        try {
            JsonNode error = Json.parse(data);
            JsonNode inner = error.has("error") ? error.get("error") : error;
            return inner.isTextual() ? inner.asText() : inner.path("message").asText(inner.toString());
        } catch (IOException e) {
            return data;
        }
    }
}
