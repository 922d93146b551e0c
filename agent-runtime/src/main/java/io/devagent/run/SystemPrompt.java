package io.devagent.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.model.TextToolCalls;

/** The system prompt: who the agent is, where it works, and (for the text convention) how to call tools. No clock, no counters: it must not change between requests. */
final class SystemPrompt {

    private SystemPrompt() {
    }

    static ObjectNode of(String workspace, boolean networkAllowed, boolean textConvention, ArrayNode toolSchemas) {
        StringBuilder prompt = new StringBuilder();
        prompt.append("You are dev-agent, an autonomous software development agent. You work on the repository in the workspace ")
              .append(workspace).append(" through tools; every path you give is relative to it ('.' is its root).\n")
              .append("Work step by step: look before you change, keep changes small, and check your work (for example run the tests). ")
              .append("For a task of several steps, keep a short plan with update_plan and update it as you go.\n")
              .append("Read files in parts with read_file's offset and limit, and change them with edit_file rather than rewriting them.\n")
              .append("A tool that fails or is refused answers with 'error: ...'; read it and adapt instead of repeating the call.\n")
              .append("Network access for your tools is ").append(networkAllowed ? "on" : "off").append(".\n")
              .append("When the task is done, reply with your final answer for the user and no tool call.\n");
        if (textConvention) {
            prompt.append('\n').append(TextToolCalls.instructions(toolSchemas));
        }
        return Json.object().put("role", "system").put("content", prompt.toString());
    }
}
