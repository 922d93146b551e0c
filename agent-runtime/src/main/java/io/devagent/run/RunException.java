package io.devagent.run;

/** A run that cannot start or go on, with a message for the user (no stack trace). */
public final class RunException extends Exception {
    public RunException(String message) {
        super(message);
    }
}
