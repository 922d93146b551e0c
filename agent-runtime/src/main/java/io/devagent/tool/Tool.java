package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Something the model can ask the run to do. Implementations are stateless and thread-safe. */
public interface Tool {

    String name();

    String description();

    /** The JSON schema of the arguments object. */
    ObjectNode parameters();

    /** Whether a call changes the world (journaled as an intent first, never silently repeated). */
    boolean sideEffecting();

    /**
     * Runs the call. A refusal or a failure is a {@link ToolException} whose message goes back to
     * the model; it never ends the run.
     */
    ToolResult execute(ObjectNode arguments, ToolContext context) throws ToolException, InterruptedException;
}
