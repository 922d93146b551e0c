package io.devagent.model;

/** Token counts as the model reported them in {@code usage}; a run's snapshot keeps their sum. */
public record Tokens(long prompt, long completion, long total) {
    public static final Tokens ZERO = new Tokens(0, 0, 0);

    public Tokens plus(Tokens other) {
        return new Tokens(prompt + other.prompt, completion + other.completion, total + other.total);
    }
}
