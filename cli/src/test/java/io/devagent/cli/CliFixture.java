package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.testkit.ScriptedModelServer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the {@code agent} CLI in-process or as a real child process, against a scripted model server. */
final class CliFixture {

    final Path workspace;
    final Path state;
    final ScriptedModelServer server;
    final Map<String, String> vars = new HashMap<>();

    CliFixture(Path root, ScriptedModelServer server) throws IOException {
        this.workspace = Files.createDirectories(root.resolve("workspace"));
        this.state = root.resolve("state");
        this.server = server;
        vars.put("LLM_BASE_URL", server.baseUrl());
        vars.put("AGENT_STATE_DIR", state.toString());
        vars.put("AGENT_WORKSPACE", workspace.toString());
        vars.put("LLM_RETRY_BASE_MS", "10");
        vars.put("LLM_MAX_RETRIES", "2");
        vars.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    record Outcome(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    Outcome agent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new Environment(vars), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(exit, out.toString(), err.toString());
    }

    /** The command line that runs {@code agent ARGS} in a child JVM. */
    List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-XX:TieredStopAtLevel=1"); // these processes are short: start fast
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code agent ARGS} as a child JVM, the way a user's shell would. */
    Process spawn(String... args) throws IOException {
        return spawnNamed("child", args);
    }

    /** Like {@link #spawn}, with its output in {@code NAME.out} and {@code NAME.err}, so that several can run at once. */
    Process spawnNamed(String name, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(javaCommand(args)).directory(workspace.toFile());
        builder.environment().clear();
        builder.environment().putAll(vars);
        builder.redirectOutput(state.getParent().resolve(name + ".out").toFile());
        builder.redirectError(state.getParent().resolve(name + ".err").toFile());
        return builder.start();
    }

    String childOut() throws IOException {
        return out("child");
    }

    String childErr() throws IOException {
        return err("child");
    }

    /** What the child started as {@code name} has printed on stdout so far. */
    String out(String name) throws IOException {
        return Files.readString(state.getParent().resolve(name + ".out"));
    }

    String err(String name) throws IOException {
        return Files.readString(state.getParent().resolve(name + ".err"));
    }

    /** Starts the main runtime ({@code agent run}) as child process {@code name}; returns once it has written agent.pid and listens. */
    Process startRuntime(String name) throws Exception {
        Process runtime = spawnNamed(name, "run");
        Path pidFile = state.resolve("agent.pid");
        io.devagent.testkit.Await.until("the main runtime " + name + " to be ready", state, java.time.Duration.ofSeconds(60), () -> {
            if (!runtime.isAlive()) {
                throw new AssertionError("the main runtime exited " + runtime.exitValue() + ": " + err(name));
            }
            return io.devagent.state.PidFile.read(pidFile).map(io.devagent.state.PidFile.Owner::pid)
                    .equals(java.util.Optional.of(runtime.pid())) && Files.exists(state.resolve("agent.sock"));
        });
        return runtime;
    }

    /** The run's snapshot as {@code agent checkpoints show} prints it (an empty object when it cannot). */
    com.fasterxml.jackson.databind.JsonNode snapshot(String runId) throws Exception {
        Outcome show = agent("checkpoints", "show", runId);
        return show.exit() == 0 ? io.devagent.json.Json.parse(show.out()) : io.devagent.json.Json.object();
    }

    /** The run's status as readers show it. */
    String status(String runId) throws Exception {
        return snapshot(runId).path("status").asText();
    }
}
