package io.devagent.model;

/** The context window of the loaded model, in tokens, and where it was learned (a server's report, a setting, an overflow answer). */
public record ContextWindow(int tokens, String source) {
}
