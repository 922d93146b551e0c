package io.devagent.model;

/** The model server answered, but not with a readable completion. The run tells the model and goes on. */
public final class MalformedReplyException extends Exception {
    public MalformedReplyException(String message) {
        super(message);
    }
}
