package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.state.StateDir;
import io.devagent.view.StateView;
import io.devagent.testkit.ScriptedModelServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A workspace, a state directory and a scripted model server wired into a real {@link Agent}; a test
 * gets one from {@link RunFixtureExtension}.
 */
final class RunFixture {

    /** The directory that holds the workspace and the state directory (and whatever a test puts beside them). */
    final Path root;
    final Path workspace;
    final Path stateDir;
    final ScriptedModelServer server;
    final Map<String, String> vars = new HashMap<>();
    Policy policy = Policy.defaults();

    RunFixture(Path root, ScriptedModelServer server) throws IOException {
        this.root = root;
        this.workspace = Files.createDirectories(root.resolve("workspace"));
        this.stateDir = root.resolve("state");
        this.server = server;
        vars.put("LLM_BASE_URL", server.baseUrl());
        vars.put("LLM_RETRY_BASE_MS", "10");
        vars.put("LLM_MAX_RETRIES", "3");
    }

    Environment env() {
        return new Environment(vars);
    }

    Agent agent() {
        return new Agent(config());
    }

    AgentConfig config() {
        Environment env = env();
        Policy inForce = policy;
        return new AgentConfig(StateDir.resolve(Optional.of(stateDir), env), workspace, ModelSettings.from(env), () -> inForce, env);
    }

    RunResult start(String goal) throws Exception {
        return agent().start(goal, Optional.empty(), new RunControl(), RunListener.NONE);
    }

    StateView view() {
        return new StateView(StateDir.resolve(Optional.of(stateDir), env()));
    }

    Snapshot snapshot(String runId) {
        return view().run(runId).orElseThrow();
    }

    List<JsonNode> audit(String runId) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(stateDir.resolve("audit").resolve("run-" + runId + ".jsonl"))) {
            events.add(Json.parse(line));
        }
        return events;
    }

    List<String> auditTypes(String runId) throws IOException {
        return audit(runId).stream().map(e -> e.path("type").asText()).toList();
    }

    /** The messages of the last chat request the model received. */
    JsonNode lastRequestMessages() {
        List<JsonNode> requests = server.requests();
        return requests.get(requests.size() - 1).path("messages");
    }

    static ScriptedModelServer.ToolCallSpec call(String name, String argumentsJson) {
        return new ScriptedModelServer.ToolCallSpec(name, argumentsJson);
    }
}
