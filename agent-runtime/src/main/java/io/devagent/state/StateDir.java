package io.devagent.state;

import io.devagent.config.Environment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The layout of the state directory (SPEC.md "State directory"). Every path under it is named
 * here and only here.
 */
public record StateDir(Path root, Environment env) {

    /** {@code --state-dir}, else {@code AGENT_STATE_DIR}, else {@code /state} when usable, else {@code ~/.dev-agent/state}. */
    public static StateDir resolve(Optional<Path> explicit, Environment env) {
        return resolve(explicit, env, Path.of("/state"), Path.of(System.getProperty("user.home")));
    }

    /** {@link #resolve(Optional, Environment)} with the container directory and the home directory given, for tests. */
    static StateDir resolve(Optional<Path> explicit, Environment env, Path container, Path home) {
        Path root = explicit
                .or(() -> env.get("AGENT_STATE_DIR").map(Path::of))
                .orElseGet(() -> {
                    if (Files.isDirectory(container) && Files.isWritable(container)) {
                        return container;
                    }
                    return home.resolve(".dev-agent").resolve("state");
                });
        return new StateDir(root.toAbsolutePath().normalize(), env);
    }

    /** Creates the directories a run writes into; fails with a clear message when it cannot. */
    public StateDir ensureWritable() throws IOException {
        for (Path dir : new Path[] {checkpoints(), auditDir(), root.resolve("tools"), root.resolve("policies")}) {
            Files.createDirectories(dir);
        }
        if (!Files.isWritable(root)) {
            throw new java.nio.file.AccessDeniedException(root.toString(), null, "the state directory is not writable");
        }
        return this;
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path checkpointDir(String runId) {
        return checkpoints().resolve(runId);
    }

    public Path auditDir() {
        return root.resolve("audit");
    }

    public Path auditLog(String runId) {
        return auditDir().resolve("run-" + runId + ".jsonl");
    }

    public Path metricsFile() {
        return root.resolve("metrics.json");
    }

    /** The main runtime's pid and start time ({@link PidFile}). */
    public Path pidFile() {
        return root.resolve("agent.pid");
    }

    /** The main runtime's Unix domain socket, where goals are handed over. */
    public Path socket() {
        return root.resolve("agent.sock");
    }

    /** The OS file lock the main runtime holds for its whole life, so that only one serves a state directory. */
    public Path runtimeLock() {
        return root.resolve("agent.lock");
    }

    public Path mcpEndpoints() {
        return root.resolve("tools").resolve("mcp_endpoints.json");
    }

    /** {@code AGENT_POLICY_FILE} overrides {@code policies/policy.yaml}. */
    public Path policyFile() {
        return env.get("AGENT_POLICY_FILE").map(Path::of).orElse(root.resolve("policies").resolve("policy.yaml"));
    }

    /** The outcome of the last policy load or reload ({@code agent policies reload} waits on it). */
    public Path policyStatus() {
        return root.resolve("policies").resolve("status.json");
    }

    public Path releaseArtifacts() {
        return root.resolve("release_artifacts");
    }

    public Path archive() {
        return root.resolve("archive");
    }
}
