package io.devagent.config;

/** A config file that cannot be used: the message names the file, the line, the field and what is allowed. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
