package io.devagent.config;

/**
 * One setting a config file may hold: its place in the YAML ({@code model.baseUrl}), the environment
 * variable it stands for, what it is when nothing sets it, whether it is a secret (masked when
 * shown), and whether a repository's file may set it (one that loosens the sandbox may not: a cloned
 * repository must not switch the agent's network on).
 */
public record Setting(String path, String variable, String fallback, boolean secret, boolean fromRepository) {
}
