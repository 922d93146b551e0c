package io.devagent.dashboard;

import io.devagent.config.Environment;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.devagent.state.StateDir;
import io.devagent.view.StateView;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A state directory filled by real runs: {@link Agent} against the scripted model server over HTTP,
 * exactly as {@code agent run} does it (journal, snapshots, audit log, metrics.json).
 */
final class RealRuns implements AutoCloseable {

    final Path workspace;
    final Path stateDir;
    final StateDir state;
    private final ScriptedModelServer finite;
    private ScriptedModelServer endless;

    RealRuns(Path root) throws IOException {
        this.workspace = Files.createDirectories(root.resolve("workspace"));
        this.stateDir = root.resolve("state");
        Files.writeString(workspace.resolve("README.md"), "# Demo\nA workspace for dashboard tests.\n");
        Files.writeString(workspace.resolve("notes.txt"), "first\nsecond\n");
        // Each run: list the files, read the README, answer. Picked by turn, so every run follows the same script.
        this.finite = ScriptedModelServer.start().selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(
                Reply.toolCall("list_files", "{\"path\":\".\"}"),
                Reply.toolCall("read_file", "{\"path\":\"README.md\"}"),
                Reply.text("The workspace holds a README and notes."));
        this.state = StateDir.resolve(Optional.of(stateDir), env(finite));
    }

    private static Environment env(ScriptedModelServer server) {
        Map<String, String> vars = new HashMap<>();
        vars.put("LLM_BASE_URL", server.baseUrl());
        vars.put("LLM_MODEL", "scripted-model");
        vars.put("LLM_RETRY_BASE_MS", "10");
        vars.put("LLM_MAX_RETRIES", "2");
        return new Environment(vars);
    }

    private Agent agent(ScriptedModelServer server) {
        Environment env = env(server);
        // Live runs go on as long as a test needs them.
        Policy policy = Policy.defaults().withLimits(new Policy.Limits(100_000, 1_000_000_000L, null));
        return new Agent(new AgentConfig(StateDir.resolve(Optional.of(stateDir), env), workspace, ModelSettings.from(env), () -> policy, env));
    }

    /** A run to its end: two tool steps and an answer. */
    RunResult finished(String runId, String goal) throws Exception {
        return agent(finite).start(goal, Optional.of(runId), new RunControl(), RunListener.NONE);
    }

    /** A run that goes on until it is stopped: a {@code list_files} step every {@code stepMillis}. */
    Live live(String runId, String goal, long stepMillis) {
        if (endless == null) {
            endless = ScriptedModelServer.start();
            // The same directory under a few spellings: the same call with the same result five times would stop the run.
            endless.whenExhausted(Reply.from(request -> Reply.delayed(stepMillis, Reply.toolCall("list_files",
                    "{\"path\":\"." + "/.".repeat(request.path("messages").size() % 8) + "\"}"))));
        }
        RunControl control = new RunControl();
        Agent agent = agent(endless);
        // On a thread of its own, as the main runtime runs each goal (not a pool thread that other work may share).
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        Thread.ofPlatform().name("run-" + runId).daemon().start(() -> {
            try {
                result.complete(agent.start(goal, Optional.of(runId), control, RunListener.NONE));
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        return new Live(runId, control, result);
    }

    StateView view() {
        return new StateView(state);
    }

    Path auditLog(String runId) {
        return state.auditLog(runId);
    }

    /** A run in progress; {@link #stop()} pauses it at its next safe point and waits for that. */
    record Live(String runId, RunControl control, CompletableFuture<RunResult> result) {
        RunResult stop() throws Exception {
            control.requestPause("the test is done with it");
            return result.get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        finite.close();
        if (endless != null) {
            endless.close();
        }
    }
}
