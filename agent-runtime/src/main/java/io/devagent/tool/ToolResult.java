package io.devagent.tool;

/** What a call produced, as the text the model will read. */
public record ToolResult(String output, boolean error) {

    public static ToolResult ok(String output) {
        return new ToolResult(output, false);
    }

    public static ToolResult failed(String message) {
        return new ToolResult("error: " + message, true);
    }
}
