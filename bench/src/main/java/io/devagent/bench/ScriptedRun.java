package io.devagent.bench;

import io.devagent.config.Environment;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real run through {@link Agent#start}: a zero-latency {@link ScriptedModelServer} asks for
 * {@code read_file} of a small workspace file N times (native tool calls, not streamed), then
 * gives the final answer. Each run gets its own state directory and its own server.
 */
final class ScriptedRun {

    static final String FILE = "small.txt";
    static final String MODEL = "scripted-model";

    private ScriptedRun() {
    }

    /** A workspace holding the one small file the runs read. */
    static Path workspace(Path workDir) throws IOException {
        Path workspace = Files.createDirectories(workDir.resolve("workspace"));
        Files.writeString(workspace.resolve(FILE), "dev-agent benchmark fixture: a small text file that every step reads.\n"
                + "It is short so that the tool call itself costs next to nothing.\n");
        return workspace;
    }

    /** A server that answers every request with the runs' tool call, for the round-trip and client measurements. */
    static ScriptedModelServer answeringServer() {
        return ScriptedModelServer.start().keepingRawRequests().whenExhausted(readFile());
    }

    /** Step {@code i}'s call: the file again, with a limit of its own (the same call with the same result five times stops a run). */
    static Reply readFile(int i) {
        return Reply.toolCall("read_file", "{\"path\":\"" + FILE + "\",\"limit\":" + (1000 + i) + "}");
    }

    /** The step's call, told apart by how many messages the request holds (it grows by the same count each step). */
    private static Reply readFile() {
        return Reply.from(request -> readFile(request.path("messages").size()));
    }

    /**
     * A new server scripted as a run's: {@code toolSteps} read_file calls, then the final answer (also PeerBench's).
     * One reply per step, as a reply's tool call id is fixed when it is made: LangGraph's message list would
     * merge tool results that share an id, as real models never send.
     */
    static ScriptedModelServer scriptedServer(int toolSteps) {
        Reply[] script = new Reply[toolSteps];
        Arrays.setAll(script, ScriptedRun::readFile);
        return ScriptedModelServer.start().keepingRawRequests().script(script)
                .whenExhausted(Reply.text("Done: read " + FILE + " " + toolSteps + " times."));
    }

    static Environment env(String baseUrl) {
        return new Environment(Map.of("LLM_BASE_URL", baseUrl, "LLM_MODEL", MODEL, "LLM_STREAM", "false"));
    }

    /** A run with {@link RunListener#NONE}, as the timed runs are. */
    static RunOutcome execute(Path workDir, Path workspace, int toolSteps, String label) throws Exception {
        return execute(workDir, workspace, toolSteps, label, false);
    }

    /** With {@code watched}, a {@link PhaseListener} splits the run's time into phases. */
    static RunOutcome execute(Path workDir, Path workspace, int toolSteps, String label, boolean watched) throws Exception {
        Path state = Files.createDirectories(workDir.resolve("state-" + label));
        try (ScriptedModelServer server = scriptedServer(toolSteps)) {
            if (watched) {
                // Nothing is replayed from a watched run: a long one would otherwise hold hundreds of megabytes of
                // requests, and the garbage collector's work on them would show in its later steps' phases.
                server.keepRequests(false);
            }
            Environment env = env(server.baseUrl());
            Policy policy = Policy.defaults().withLimits(new Policy.Limits(toolSteps + 10, Long.MAX_VALUE, null));
            AgentConfig config = new AgentConfig(StateDir.resolve(Optional.of(state), env), workspace,
                    ModelSettings.from(env), () -> policy, env);
            Agent agent = new Agent(config);
            String goal = "Read " + FILE + " " + toolSteps + " times, one read_file call per step, then say you are done.";

            PhaseListener phases = watched ? new PhaseListener() : null;
            long started = System.nanoTime();
            RunResult result = agent.start(goal, Optional.empty(), new RunControl(), watched ? phases : RunListener.NONE);
            long elapsed = System.nanoTime() - started;
            Optional<PhaseListener.Phases> split = watched ? Optional.of(phases.done()) : Optional.empty();

            if (!result.succeeded() || result.steps() != toolSteps + 1) {
                throw new IllegalStateException("the " + toolSteps + "-step run ended " + result.status() + " after "
                        + result.steps() + " steps" + (result.message() == null ? "" : ": " + result.message()));
            }
            List<byte[]> requests = server.rawRequests();
            Path checkpoint = config.state().checkpointDir(result.runId());
            return new RunOutcome(toolSteps, result.steps(), elapsed, checkpoint.resolve("journal.jsonl"),
                    config.state().auditLog(result.runId()), requests.isEmpty() ? null : requests.get(0),
                    requests.isEmpty() ? null : requests.get(requests.size() / 2), requests, split);
        }
    }
}
