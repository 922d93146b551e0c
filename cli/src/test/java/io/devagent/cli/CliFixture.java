package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.state.PidFile;
import io.devagent.testkit.Await;
import io.devagent.testkit.GitRepos;
import io.devagent.testkit.ScriptedModelServer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the {@code agent} CLI in-process or as a real child process, against a scripted model server.
 * Closing it stops the child processes it started that are still alive.
 */
final class CliFixture implements AutoCloseable {

    /** How long a wait on a child process or on the state directory may take before the test fails. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern DASHBOARD_URL = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:(\\d+)/)");

    /** The test's directory: the workspace and the state directory are in it, and room for anything else. */
    final Path root;
    final Path workspace;
    final Path state;
    final ScriptedModelServer server;
    final Map<String, String> vars = new HashMap<>();
    private final List<Process> spawned = new CopyOnWriteArrayList<>();

    CliFixture(Path root, ScriptedModelServer server) throws IOException {
        this.root = root;
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
        builder.redirectOutput(root.resolve(name + ".out").toFile());
        builder.redirectError(root.resolve(name + ".err").toFile());
        Process process = builder.start();
        spawned.add(process);
        return process;
    }

    /**
     * Runs {@code agent ARGS} as a child process that dies at crash point {@code point} (AGENT_TEST_CRASH_AT),
     * as with SIGKILL, and asserts that it did (exit 137). The crash point is not set any more afterwards.
     */
    void crashAt(String point, String... args) throws Exception {
        vars.put("AGENT_TEST_CRASH_AT", point);
        try {
            Process agent = spawn(args);
            if (!agent.waitFor(2 * DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("agent " + String.join(" ", args) + " did not reach crash point " + point);
            }
            org.assertj.core.api.Assertions.assertThat(agent.exitValue())
                    .as("crash point " + point + " was reached; stderr: " + childErr()).isEqualTo(137);
        } finally {
            vars.remove("AGENT_TEST_CRASH_AT");
        }
    }

    String childOut() throws IOException {
        return out("child");
    }

    String childErr() throws IOException {
        return err("child");
    }

    /** What the child started as {@code name} has printed on stdout so far. */
    String out(String name) throws IOException {
        return Files.readString(root.resolve(name + ".out"));
    }

    String err(String name) throws IOException {
        return Files.readString(root.resolve(name + ".err"));
    }

    /**
     * Makes the workspace a git repository holding {@code files}, for runs that snapshot it with git and use
     * the sandboxed shell: the test is skipped (failed in CI) where git or bubblewrap is missing.
     */
    void gitWorkspace(Map<String, String> files) throws Exception {
        Requirements.git();
        Requirements.bubblewrap();
        GitRepos.init(workspace, files);
    }

    /** Starts the main runtime as child process {@code runtime}: see {@link #startRuntime(String)}. */
    Process startRuntime() throws Exception {
        return startRuntime("runtime");
    }

    /** Starts the main runtime ({@code agent run}) as child process {@code name}; returns once it has written agent.pid and listens. */
    Process startRuntime(String name) throws Exception {
        Process runtime = spawnNamed(name, "run");
        Path pidFile = state.resolve("agent.pid");
        await("the main runtime " + name + " to be ready", () -> {
            if (!runtime.isAlive()) {
                throw new AssertionError("the main runtime exited " + runtime.exitValue() + ": " + err(name));
            }
            return PidFile.read(pidFile).map(PidFile.Owner::pid).equals(Optional.of(runtime.pid()))
                    && Files.exists(state.resolve("agent.sock"));
        });
        return runtime;
    }

    /** {@code agent dashboard} as child process {@code dashboard}, and the port it serves on. */
    record Dashboard(Process process, int port) {
    }

    /** Starts {@code agent dashboard --port 0} with AGENT_DASHBOARD_TOKEN={@code token}; returns once it has printed its address. */
    Dashboard startDashboard(String token) throws Exception {
        vars.put("AGENT_DASHBOARD_TOKEN", token);
        Process dashboard;
        try {
            dashboard = spawnNamed("dashboard", "dashboard", "--port", "0");
        } finally {
            vars.remove("AGENT_DASHBOARD_TOKEN");
        }
        await("the dashboard's address", () -> {
            if (!dashboard.isAlive()) {
                throw new AssertionError("the dashboard died: " + err("dashboard"));
            }
            return DASHBOARD_URL.matcher(out("dashboard")).find();
        });
        Matcher m = DASHBOARD_URL.matcher(out("dashboard"));
        if (!m.find()) {
            throw new AssertionError("the dashboard printed no address: " + out("dashboard"));
        }
        return new Dashboard(dashboard, Integer.parseInt(m.group(2)));
    }

    /** Returns once {@code check} holds, re-checked as the state directory changes; fails after {@link #DEADLINE}. */
    void await(String what, Await.Check check) throws Exception {
        Await.until(what, state, DEADLINE, check);
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

    /** Stops the child processes still alive, the last started first: SIGTERM, then SIGKILL if one does not stop. */
    @Override
    public void close() throws InterruptedException {
        for (Process p : spawned.reversed()) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(DEADLINE.toSeconds() / 2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(DEADLINE.toSeconds() / 2, TimeUnit.SECONDS);
                }
            }
        }
    }
}
