package io.devagent.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
    private final List<ScriptedModelServer> others = new ArrayList<>();

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
        // Live runs go on as long as a test needs them.
        return agent(server, Policy.defaults().withLimits(new Policy.Limits(100_000, 1_000_000_000L, null)));
    }

    private Agent agent(ScriptedModelServer server, Policy policy) {
        Environment env = env(server);
        return new Agent(new AgentConfig(StateDir.resolve(Optional.of(stateDir), env), workspace, ModelSettings.from(env), () -> policy, env));
    }

    private ScriptedModelServer server(Reply... replies) {
        ScriptedModelServer server = ScriptedModelServer.start().selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(replies);
        others.add(server);
        return server;
    }

    /**
     * A run that edits: writes a file of several lines, reads a long one (its output is long enough to
     * be folded), and answers in several lines.
     */
    RunResult editing(String runId, String goal) throws Exception {
        Files.writeString(workspace.resolve("long.txt"), IntStream.rangeClosed(1, 60).mapToObj(i -> "line " + i + " of a long file")
                .collect(Collectors.joining("\n", "", "\n")));
        ScriptedModelServer server = server(
                Reply.toolCall("write_file", "{\"path\":\"CONTRIBUTING.md\",\"content\":\"# Contributing\\n\\n1. Fork.\\n2. Test.\\n3. Send a change.\\n\"}"),
                Reply.toolCall("read_file", "{\"path\":\"long.txt\"}"),
                Reply.text("I added CONTRIBUTING.md.\nIt has three steps:\n- fork\n- test\n- send a change"));
        return agent(server).start(goal, Optional.of(runId), new RunControl(), RunListener.NONE);
    }

    /** A run that never answers and is stopped by the policy's step limit: failed. */
    RunResult stepLimit(String runId, String goal, int maxSteps) throws Exception {
        ScriptedModelServer server = ScriptedModelServer.start();
        others.add(server);
        // The same directory under several spellings: the same call with the same result five times would stop the run first.
        server.whenExhausted(Reply.from(request -> Reply.toolCall("list_files",
                "{\"path\":\"." + "/.".repeat(request.path("messages").size() % 16) + "\"}")));
        Policy policy = Policy.defaults().withLimits(new Policy.Limits(maxSteps, 1_000_000_000L, null));
        return agent(server, policy).start(goal, Optional.of(runId), new RunControl(), RunListener.NONE);
    }

    /** A run whose shell calls the policy refuses, three times, before it answers: it succeeds with three denials. */
    RunResult refused(String runId, String goal) throws Exception {
        ScriptedModelServer server = server(
                Reply.toolCall("run_shell", "{\"command\":\"curl http://example.com\"}"),
                Reply.toolCall("run_shell", "{\"command\":\"rm -rf build\"}"),
                Reply.toolCall("run_shell", "{\"command\":\"ls\"}"),
                Reply.text("The shell is not allowed here; I looked no further."));
        Policy policy = new Policy(null, new Policy.Tools(List.of("*"), List.of("run_shell")), null, null,
                new Policy.Limits(50, 1_000_000_000L, null), null, null);
        return agent(server, policy).start(goal, Optional.of(runId), new RunControl(), RunListener.NONE);
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

    /**
     * A run in a state that other parts of the runtime bring about (a run waiting for a person's
     * answer, one whose process died, one whose history was compacted): its snapshot and its audit
     * events written by the classes that write them, for the readers to show.
     */
    void written(Snapshot snapshot, List<Map.Entry<String, ObjectNode>> events) throws Exception {
        Files.createDirectories(state.checkpointDir(snapshot.runId()));
        new Checkpoints(state).writeSnapshot(snapshot);
        try (AuditLog audit = AuditLog.open(state.auditLog(snapshot.runId()), snapshot.runId(), Redactor.none())) {
            for (Map.Entry<String, ObjectNode> event : events) {
                audit.append(event.getKey(), event.getValue());
            }
            audit.sync();
        }
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
        others.forEach(ScriptedModelServer::close);
    }
}
