package io.devagent.tool;

/** A call that was refused or failed; the message is written for the model to read and act on. */
public class ToolException extends Exception {

    private final String kind;

    public ToolException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** For metrics and the audit log: e.g. {@code bad_arguments}, {@code outside_workspace}, {@code denied}, {@code failed}. */
    public String kind() {
        return kind;
    }

    public static ToolException badArguments(String message) {
        return new ToolException("bad_arguments", message);
    }

    public static ToolException denied(String message) {
        return new ToolException("policy_denied", message);
    }

    public static ToolException failed(String message) {
        return new ToolException("tool_failed", message);
    }
}
