package io.devagent.model;

/** The model could not be reached or refused to serve (exit code 3). The message is one clear line. */
public final class ModelUnavailableException extends Exception {
    public ModelUnavailableException(String message) {
        super(message);
    }
}
