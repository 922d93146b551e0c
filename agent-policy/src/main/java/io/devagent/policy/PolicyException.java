package io.devagent.policy;

/** A policy that cannot be used: the message names the file, the field and why. */
public final class PolicyException extends Exception {
    public PolicyException(String message) {
        super(message);
    }
}
