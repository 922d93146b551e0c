package io.devagent.bench;

import io.devagent.config.Environment;
import io.devagent.model.ModelSettings;
import io.devagent.policy.PolicyHolder;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.devagent.state.StateDir;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A real run of N {@code read_file} steps through {@link Agent#start}, paused once step N is
 * committed, as SIGINT or a stopping main runtime leaves it: N steps in the journal, status
 * paused, the next model request not yet made. {@code agent checkpoints resume ID} continues it.
 */
record InterruptedRun(Path state, Path workspace, String runId, int steps, long journalBytes, long auditBytes) {

    /** Limits high enough that neither the run nor its resume stops on them; the CLI reads the same file. */
    static final String POLICY = "limits: {maxSteps: 1000000, maxTokens: 1000000000000}\n";

    static InterruptedRun create(Path dir, int steps) throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path workspace = ScriptedRun.workspace(dir);
        Path policyFile = Files.createDirectories(state.resolve("policies")).resolve("policy.yaml");
        Files.writeString(policyFile, POLICY);
        try (ScriptedModelServer server = ScriptedModelServer.start()) {
            Reply[] script = new Reply[steps];
            Arrays.setAll(script, ScriptedRun::readFile);
            server.script(script).whenExhausted(Reply.text("(the interrupted run should not get here)"));
            Environment env = ScriptedRun.env(server.baseUrl());
            StateDir stateDir = StateDir.resolve(Optional.of(state), env);
            AgentConfig config = new AgentConfig(stateDir, workspace, ModelSettings.from(env), PolicyHolder.load(policyFile, env), env);
            RunControl control = new RunControl();
            // The loop looks for a pause request before each model request: the run stops right after step N.
            RunListener pauseAfterN = new RunListener() {
                @Override
                public void progress(int step, long totalTokens, String activity) {
                    if (step >= steps && activity.endsWith(" saved")) {
                        control.requestPause("benchmark: interrupted after step " + steps);
                    }
                }
            };
            RunResult result = new Agent(config).start("Read " + ScriptedRun.FILE + " again and again, one read_file call per step.",
                    Optional.empty(), control, pauseAfterN);
            if (!result.paused() || result.steps() != steps) {
                throw new IllegalStateException("the run meant to stop after step " + steps + " ended " + result.status()
                        + " after " + result.steps() + " steps" + (result.message() == null ? "" : ": " + result.message()));
            }
            return new InterruptedRun(state, workspace, result.runId(), steps,
                    Files.size(stateDir.checkpointDir(result.runId()).resolve("journal.jsonl")),
                    Files.size(stateDir.auditLog(result.runId())));
        }
    }

    /** A copy of the state directory, so that every resume starts from the same interrupted run. */
    InterruptedRun copyTo(Path dir) throws IOException {
        Path copy = dir.resolve("state");
        try (var paths = Files.walk(state)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = copy.resolve(state.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, target);
                }
            }
        }
        return new InterruptedRun(copy, workspace, runId, steps, journalBytes, auditBytes);
    }
}
