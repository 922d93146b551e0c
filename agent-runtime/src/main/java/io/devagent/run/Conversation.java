package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.model.TextToolCalls;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages sent to the model: a system prompt, the goal, and each step's messages in order.
 * The history is kept already serialised: every request sends all of it, and writing each message
 * once instead of at every step keeps a step's cost flat as the run grows.
 */
final class Conversation {

    private final List<JsonNode> history = new ArrayList<>();
    private ObjectNode system;

    Conversation(String goal) {
        this(List.of(), goal);
    }

    /** A follow-up: the conversation of the run it goes on from ({@code earlier}), then the new instruction. */
    Conversation(List<? extends JsonNode> earlier, String goal) {
        earlier.forEach(message -> history.add(Json.raw(message)));
        history.add(Json.raw(Json.object().put("role", "user").put("content", goal)));
    }

    void system(String workspace, boolean networkAllowed, boolean textConvention, ArrayNode toolSchemas) {
        StringBuilder prompt = new StringBuilder();
        prompt.append("You are dev-agent, an autonomous software development agent. You work on the repository in the workspace ")
              .append(workspace).append(" through tools; every path you give is relative to it ('.' is its root).\n")
              .append("Work step by step: look before you change, keep changes small, and check your work (for example run the tests). ")
              .append("For a task of several steps, keep a short plan with update_plan and update it as you go.\n")
              .append("A tool that fails or is refused answers with 'error: ...'; read it and adapt instead of repeating the call.\n")
              .append("Network access for your tools is ").append(networkAllowed ? "on" : "off").append(".\n")
              .append("When the task is done, reply with your final answer for the user and no tool call.\n");
        if (textConvention) {
            prompt.append('\n').append(TextToolCalls.instructions(toolSchemas));
        }
        system = Json.object().put("role", "system").put("content", prompt.toString());
    }

    /** Messages are not changed once added. */
    void addAll(List<? extends JsonNode> messages) {
        messages.forEach(message -> history.add(Json.raw(message)));
    }

    /** The messages of the next request: the system prompt, the history, then {@code upcoming} (not yet committed). */
    List<JsonNode> messages(List<? extends JsonNode> upcoming) {
        List<JsonNode> all = new ArrayList<>(history.size() + 1 + upcoming.size());
        all.add(system);
        all.addAll(history);
        all.addAll(upcoming);
        return all;
    }

    int size() {
        return history.size() + 1;
    }

    static ObjectNode toolMessage(String callId, String output) {
        return Json.object().put("role", "tool").put("tool_call_id", callId).put("content", output);
    }

    static ObjectNode userMessage(String content) {
        return Json.object().put("role", "user").put("content", content);
    }
}
