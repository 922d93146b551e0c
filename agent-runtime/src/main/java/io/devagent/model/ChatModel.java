package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.List;

/** Where a run's replies come from: the model server, or, for replay, a run's journal. */
public interface ChatModel {

    ModelSettings settings();

    /** The model name to use when none is configured. */
    String resolveModel() throws ModelUnavailableException, InterruptedException;

    /** One chat completion; {@code tools} null means none are offered natively (the text convention). */
    ModelReply chat(String model, List<JsonNode> messages, ArrayNode tools)
            throws ModelUnavailableException, ModelRequestException, MalformedReplyException, InterruptedException;
}
