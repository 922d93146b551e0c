package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text convention for models without native tool calling (documented in README.md): the model
 * writes {@code <tool_call>{"name": "...", "arguments": {...}}</tool_call>} in its content, one block
 * per call, and gets each result back in a user message as
 * {@code <tool_result name="..." id="...">...</tool_result>}. A last block left unclosed (a model
 * stopped at its stop token) still counts; {@code arguments} may be an object or a JSON string, and
 * a ```json fence inside the block is tolerated.
 */
public final class TextToolCalls {

    private static final Pattern BLOCK = Pattern.compile("<tool_call>\\s*(.*?)\\s*(?:</tool_call>|(?=<tool_call>)|\\z)", Pattern.DOTALL);
    private static final Pattern FENCE = Pattern.compile("^```(?:json)?\\s*(.*?)\\s*```$", Pattern.DOTALL);

    private TextToolCalls() {
    }

    /** The calls in {@code content}, in order; empty when there are none. */
    public static List<ToolCall> parse(String content, int stepForIds) {
        List<ToolCall> calls = new ArrayList<>();
        if (content == null || !content.contains("<tool_call>")) {
            return calls;
        }
        Matcher m = BLOCK.matcher(content);
        int n = 0;
        while (m.find()) {
            String body = m.group(1).trim();
            Matcher fence = FENCE.matcher(body);
            if (fence.matches()) {
                body = fence.group(1);
            }
            String id = "text_" + stepForIds + "_" + n++;
            if (body.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = Json.parse(body);
                String name = node.path("name").asText("");
                JsonNode args = node.has("arguments") ? node.get("arguments") : node.get("parameters");
                if (name.isEmpty()) {
                    calls.add(new ToolCall(id, "", null, body, "a <tool_call> needs a \"name\""));
                } else {
                    calls.add(ToolCall.of(id, name, args));
                }
            } catch (IOException e) {
                calls.add(new ToolCall(id, "", null, body, "the <tool_call> block is not valid JSON"));
            }
        }
        return calls;
    }

    /** The instructions added to the system prompt when tools travel as text. */
    public static String instructions(ArrayNode toolSchemas) {
        StringBuilder sb = new StringBuilder();
        sb.append("To use a tool, write exactly one block per call in your reply:\n")
          .append("<tool_call>{\"name\": \"TOOL_NAME\", \"arguments\": {...}}</tool_call>\n")
          .append("and stop. Each result comes back as <tool_result name=\"TOOL_NAME\">...</tool_result>. ")
          .append("When you are done, reply with your final answer and no <tool_call> block.\n\nTools:\n");
        for (JsonNode tool : toolSchemas) {
            JsonNode fn = tool.path("function");
            sb.append("- ").append(fn.path("name").asText()).append(": ").append(fn.path("description").asText())
              .append("\n  arguments (JSON schema): ").append(Json.write(fn.path("parameters"))).append('\n');
        }
        return sb.toString();
    }
}
