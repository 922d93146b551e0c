package io.devagent.tool;

/**
 * A side effect a tool is about to cause, journaled as an intent just before it happens. {@code path}
 * and {@code sha256} let a write be verified after a crash; other effects cannot be.
 */
public record Effect(String kind, String path, String sha256, String description) {

    public static Effect write(String path, String sha256) {
        return new Effect("write_file", path, sha256, "write " + path);
    }

    public static Effect shell(String command) {
        return new Effect("run_shell", null, null, command);
    }

    /**
     * A call to an MCP server's tool ({@code <endpoint>__<tool>}). What it did cannot be checked
     * afterwards, so an interrupted one is reported as unknown on resume and not repeated.
     */
    public static Effect mcp(String tool, String description) {
        return new Effect("mcp", null, null, description == null || description.isBlank() ? "call " + tool : description);
    }

    public boolean verifiable() {
        return path != null && sha256 != null;
    }
}
