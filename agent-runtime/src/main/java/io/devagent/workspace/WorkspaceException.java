package io.devagent.workspace;

/** A workspace operation that cannot be done as asked; the message is a sentence a user can act on. */
public final class WorkspaceException extends Exception {

    public WorkspaceException(String message) {
        super(message, null, false, false);
    }
}
