package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.List;
import java.util.Optional;

/** Where a run's replies come from: the model server, or, for replay, a run's journal. */
public interface ChatModel {

    ModelSettings settings();

    /** The model name to use when none is configured. */
    String resolveModel() throws ModelUnavailableException, InterruptedException;

    /** One chat completion; {@code tools} null means none are offered natively (the text convention). */
    ModelReply chat(String model, List<JsonNode> messages, ArrayNode tools)
            throws ModelUnavailableException, ModelRequestException, MalformedReplyException, InterruptedException;

    /** A request for a summary of the run's older steps (a compaction); no tools are offered. */
    default ModelReply summarize(String model, List<JsonNode> messages)
            throws ModelUnavailableException, ModelRequestException, MalformedReplyException, InterruptedException {
        return chat(model, messages, null);
    }

    /** The loaded model's context window, when the server tells it. */
    default Optional<ContextWindow> contextWindow(String model) throws InterruptedException {
        return Optional.empty();
    }
}
