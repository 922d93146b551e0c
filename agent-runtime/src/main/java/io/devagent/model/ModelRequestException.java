package io.devagent.model;

/** The model server rejected the request itself (a 4xx other than auth), e.g. a context that is too long. */
public final class ModelRequestException extends Exception {
    private final int status;

    public ModelRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
