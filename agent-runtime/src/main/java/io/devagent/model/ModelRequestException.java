package io.devagent.model;

/** The model server rejected the request itself (a 4xx other than auth), e.g. a context that is too long. */
public class ModelRequestException extends Exception {
    private final int status;
    private final boolean aboutTools;

    public ModelRequestException(int status, String message) {
        this(status, message, false);
    }

    public ModelRequestException(int status, String message, boolean aboutTools) {
        super(message);
        this.status = status;
        this.aboutTools = aboutTools;
    }

    public int status() {
        return status;
    }

    /** Whether the rejection is about the {@code tools} of the request: only then may the run fall back to the text convention. */
    public boolean aboutTools() {
        return aboutTools;
    }
}
