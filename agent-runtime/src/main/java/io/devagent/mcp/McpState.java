package io.devagent.mcp;

import java.util.Locale;

/** An endpoint's state as {@code status.state} records it. */
public enum McpState {
    /** Connected; its tools are offered. */
    UP,
    /** Not reachable, not answering, or its process exited; reconnects back off exponentially. */
    DOWN,
    /** The server refused the credentials (HTTP 401 or 403), or the configured token cannot be read. */
    UNAUTHORIZED,
    /** Not checked yet. */
    UNKNOWN;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static McpState of(String text) {
        for (McpState state : values()) {
            if (state.json().equals(text)) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
