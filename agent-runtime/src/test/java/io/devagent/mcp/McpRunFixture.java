package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.metrics.Metrics;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.devagent.state.StateDir;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.tool.ToolRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A workspace, a state directory with {@code tools/mcp_endpoints.json}, a scripted model server and
 * the MCP registry, wired into a real {@link Agent} the way the CLI wires them.
 */
final class McpRunFixture implements AutoCloseable {

    final Path workspace;
    final Path stateDir;
    final ScriptedModelServer model;
    final Map<String, String> vars = new HashMap<>();
    final ObjectNode endpoints = EndpointsFile.newTree();
    final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    Policy policy = Policy.defaults();
    McpRegistry registry;

    McpRunFixture(Path root) throws IOException {
        this.workspace = Files.createDirectories(root.resolve("workspace"));
        this.stateDir = root.resolve("state");
        this.model = ScriptedModelServer.start();
        vars.put("LLM_BASE_URL", model.baseUrl());
        vars.put("LLM_RETRY_BASE_MS", "10");
        vars.put("LLM_MAX_RETRIES", "3");
    }

    Environment env() {
        return new Environment(vars);
    }

    StateDir state() {
        return StateDir.resolve(Optional.of(stateDir), env());
    }

    Path endpointsFile() {
        return state().mcpEndpoints();
    }

    /** Adds an endpoint to the file to be written by {@link #startRegistry()}. */
    ObjectNode endpoint(String name) {
        return EndpointsFile.addEndpoint(endpoints).put("name", name);
    }

    ObjectNode stdio(String name, List<String> command) {
        ObjectNode endpoint = endpoint(name).put("transport", "stdio");
        command.forEach(endpoint.putArray("command")::add);
        return endpoint;
    }

    McpRegistry startRegistry() throws IOException {
        EndpointsFile.write(endpointsFile(), endpoints);
        registry = McpRegistry.start(endpointsFile(), env(), log::add);
        return registry;
    }

    Agent agent() {
        Environment env = env();
        Policy inForce = policy;
        AgentConfig config = new AgentConfig(state(), workspace, ModelSettings.from(env), () -> inForce, env);
        return new Agent(config, new ToolRegistry(ToolRegistry.builtIns()).with(registry), new Metrics());
    }

    RunResult run(String goal) throws Exception {
        return agent().start(goal, Optional.empty(), new RunControl(), RunListener.NONE);
    }

    List<JsonNode> audit(String runId) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(stateDir.resolve("audit").resolve("run-" + runId + ".jsonl"))) {
            events.add(Json.parse(line));
        }
        return events;
    }

    List<JsonNode> journal(String runId) throws IOException {
        List<JsonNode> entries = new ArrayList<>();
        for (String line : Files.readAllLines(stateDir.resolve("checkpoints").resolve(runId).resolve("journal.jsonl"))) {
            entries.add(Json.parse(line));
        }
        return entries;
    }

    /** The audited result of each tool call, in order. */
    List<JsonNode> toolResults(String runId) throws IOException {
        return audit(runId).stream().filter(e -> e.path("type").asText().equals("tool_result")).map(e -> e.path("data")).toList();
    }

    /** The tool names offered in request {@code index}. */
    List<String> offered(int request) {
        return StreamSupport.stream(model.requests().get(request).path("tools").spliterator(), false)
                .map(t -> t.path("function").path("name").asText()).toList();
    }

    JsonNode offeredSchema(int request, String name) {
        return StreamSupport.stream(model.requests().get(request).path("tools").spliterator(), false)
                .filter(t -> t.path("function").path("name").asText().equals(name)).findFirst().orElseThrow()
                .path("function").path("parameters");
    }

    /** The file's status for an endpoint. */
    EndpointStatus fileStatus(String name) throws Exception {
        return EndpointsFile.read(endpointsFile()).status(name);
    }

    /** Every file under the state directory, as text (for leak checks). */
    Map<Path, String> stateFiles() throws IOException {
        Map<Path, String> files = new HashMap<>();
        try (Stream<Path> walk = Files.walk(stateDir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(p, Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    /** Polls {@code condition} until it holds, failing after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        try {
            // The registry writes its status into the endpoints file: re-check at each change of the temp directory.
            io.devagent.testkit.Await.until(what, java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), timeout,
                    condition::getAsBoolean);
        } catch (InterruptedException | AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean fileSays(McpRunFixture fx, String name, McpState state) {
        try {
            return fx.fileStatus(name).state() == state;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
        model.close();
    }
}
