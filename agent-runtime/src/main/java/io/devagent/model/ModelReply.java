package io.devagent.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The model's answer to one request: its visible text, the tool calls it asked for, the usage it
 * reported, and the assistant message to keep in the conversation.
 */
public record ModelReply(String content, List<ToolCall> toolCalls, Tokens usage, ObjectNode assistantMessage,
                         boolean textConvention, long latencyMillis) {

    /** A reply rebuilt from an assistant message kept in a journal (resume, replay). */
    public static ModelReply fromAssistantMessage(com.fasterxml.jackson.databind.JsonNode message, Tokens usage, boolean textMode) {
        return Replies.fromMessage(message, usage, textMode);
    }
}
