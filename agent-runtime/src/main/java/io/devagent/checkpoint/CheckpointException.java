package io.devagent.checkpoint;

/** A checkpoint that could not be written or read: the run must not go on unsaved. */
public final class CheckpointException extends Exception {
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    public CheckpointException(String message) {
        super(message);
    }
}
