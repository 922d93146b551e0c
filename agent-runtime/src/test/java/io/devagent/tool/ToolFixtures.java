package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyException;
import io.devagent.policy.PolicyLoader;
import io.devagent.testkit.Prerequisite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Shared helpers for the tool tests: contexts over real directories, arguments, refusals. */
final class ToolFixtures {

    private ToolFixtures() {
    }

    /** A context as the runtime builds it: the policy narrowed by the environment. */
    static ToolContext context(Path workspace, Policy policy, Map<String, String> env) throws IOException {
        Environment environment = new Environment(env);
        return new ToolContext(new Workspace(workspace), PolicyLoader.effective(policy, environment), environment);
    }

    /** The default policy with an empty environment: network off, shell sandboxed. */
    static ToolContext context(Path workspace) throws IOException {
        return context(workspace, Policy.defaults(), Map.of());
    }

    /** A policy from YAML, validated as a policy file would be. */
    static Policy policy(String yaml) {
        try {
            return PolicyLoader.parse(yaml, "test-policy.yaml");
        } catch (PolicyException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Network on, as both the policy and {@code ALLOW_NET=true} allow it. */
    static ToolContext networkContext(Path workspace, String extraYaml) throws IOException {
        return context(workspace, policy("network: {allow: true}\n" + extraYaml), Map.of("ALLOW_NET", "true"));
    }

    static ObjectNode args(String... namesAndValues) {
        ObjectNode node = Json.object();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return node;
    }

    /** Runs a call that must be refused, and checks the refusal's kind. */
    static ToolException refused(String kind, Tool tool, ObjectNode arguments, ToolContext ctx) {
        ToolException e = assertThrows(ToolException.class, () -> tool.execute(arguments, ctx),
                () -> tool.name() + " " + arguments + " should have been refused with " + kind);
        assertThat(e.kind()).as("kind of: %s", e.getMessage()).isEqualTo(kind);
        assertThat(e.getMessage()).isNotBlank();
        return e;
    }

    static ToolResult ok(Tool tool, ObjectNode arguments, ToolContext ctx) throws Exception {
        ToolResult result = tool.execute(arguments, ctx);
        assertThat(result.error()).as("error flag of: %s", result.output()).isFalse();
        return result;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code condition} holds within {@code limit}, re-checked at each change under {@code dir}. */
    static boolean eventually(Path dir, Duration limit, BooleanSupplier condition) throws Exception {
        return io.devagent.testkit.Await.eventually(dir, limit, condition::getAsBoolean);
    }

    /** Skips when a program is missing, except in CI, where it must be installed. */
    static void requireProgram(String path) {
        Prerequisite.requireProgram(path);
    }

    /** Skips when the default shell sandbox (Landlock, else bubblewrap) cannot run here, except in CI, where it must. */
    static void requireSandbox() {
        Prerequisite.require("a working shell sandbox", ShellSandbox.problem());
    }
}
