package io.devagent.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The process environment as the runtime sees it. It is passed in rather than read from
 * {@link System#getenv()} so that one process can drive runs with different settings (tests, the
 * main runtime serving several goals).
 */
public record Environment(Map<String, String> variables) {

    public Environment {
        variables = Map.copyOf(variables);
    }

    public static Environment system() {
        return new Environment(System.getenv());
    }

    public Optional<String> get(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public boolean flag(String name, boolean fallback) {
        return get(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + v + "'");
        }).orElse(fallback);
    }

    public long number(String name, long fallback) {
        return get(name).map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
            }
        }).orElse(fallback);
    }

    /** A copy with one variable set; used by tests and by the CLI's options that override variables. */
    public Environment with(String name, String value) {
        var copy = new java.util.HashMap<>(variables);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new Environment(copy);
    }
}
