package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.devagent.testkit.Prerequisite;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.tool.ShellSandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Support for the hostile-tool suites: a run of one tool call per step through the real run loop,
 * ended by a scripted final answer, and what the model and the audit log saw of each call.
 */
final class HostileRun {

    static final String ANSWER = "finished probing";

    /** One tool call the scripted model makes. */
    record Probe(String tool, String argumentsJson) {
        static Probe of(String tool, String argumentsJson) {
            return new Probe(tool, argumentsJson);
        }

        @Override
        public String toString() {
            return tool + " " + argumentsJson;
        }
    }

    final RunFixture fx;
    final List<Probe> probes;
    final RunResult result;
    final List<JsonNode> requests;
    final List<JsonNode> audit;
    final String auditText;

    private HostileRun(RunFixture fx, List<Probe> probes, RunResult result) throws IOException {
        this.fx = fx;
        this.probes = probes;
        this.result = result;
        this.requests = fx.server.requests();
        this.audit = fx.audit(result.runId());
        this.auditText = Files.readString(fx.stateDir.resolve("audit").resolve("run-" + result.runId() + ".jsonl"));
    }

    /**
     * Runs the probes, one per step, then the final answer, and checks the run went on after each of
     * them and finished with that answer.
     */
    static HostileRun run(RunFixture fx, String runId, List<Probe> probes) throws Exception {
        return run(fx, runId, probes, false);
    }

    /** With {@code textConvention}, the model writes its calls as {@code <tool_call>} blocks in the content. */
    static HostileRun run(RunFixture fx, String runId, List<Probe> probes, boolean textConvention) throws Exception {
        List<Reply> script = new ArrayList<>();
        probes.forEach(p -> script.add(textConvention
                ? Reply.content("<tool_call>{\"name\": " + json(p.tool()) + ", \"arguments\": " + p.argumentsJson() + "}</tool_call>")
                : Reply.toolCall(p.tool(), p.argumentsJson())));
        script.add(Reply.text(ANSWER));
        fx.server.script(script.toArray(Reply[]::new));
        RunResult result = fx.agent().start("probe the sandbox " + runId, Optional.of(runId), new RunControl(), RunListener.NONE);
        HostileRun run = new HostileRun(fx, probes, result);
        assertThat(result.status()).as("run status (%s)", result.message()).isEqualTo("succeeded");
        assertThat(result.answer()).isEqualTo(ANSWER);
        assertThat(result.steps()).isEqualTo(probes.size() + 1);
        assertThat(run.requests).hasSize(probes.size() + 1);
        assertThat(run.auditTypesOf("run_finished")).hasSize(1);
        assertThat(fx.view().verifyAudit(result.runId()).ok()).isTrue();
        return run;
    }

    private static final Pattern TEXT_RESULT = Pattern.compile("(?s)<tool_result name=\"[^\"]*\" id=\"([^\"]*)\">\n(.*)\n</tool_result>");

    /**
     * What the model received for probe {@code i}, from the last message of the next request: a tool
     * message, or in the text convention the inside of the {@code <tool_result>} block.
     */
    String message(int i) {
        return result(i)[1];
    }

    /** The id of probe {@code i}'s call. */
    String callId(int i) {
        return result(i)[0];
    }

    private String[] result(int i) {
        JsonNode messages = requests.get(i + 1).path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        String content = last.path("content").asText();
        if (last.path("role").asText().equals("user")) {
            Matcher m = TEXT_RESULT.matcher(content);
            assertThat(m.matches()).as("a single <tool_result> after probe %d: %s", i, content).isTrue();
            return new String[] {m.group(1), m.group(2)};
        }
        assertThat(last.path("role").asText()).as("last message after probe %d", i).isEqualTo("tool");
        return new String[] {last.path("tool_call_id").asText(), content};
    }

    /** The {@code policy_denied} events for probe {@code i}'s call (matched by call id and tool name). */
    List<JsonNode> denials(int i) {
        String id = callId(i);
        assertThat(id).isNotBlank();
        return audit.stream().filter(e -> e.path("type").asText().equals("policy_denied"))
                .filter(e -> e.path("data").path("id").asText().equals(id))
                .filter(e -> e.path("data").path("name").asText().equals(probes.get(i).tool()))
                .toList();
    }

    List<JsonNode> auditTypesOf(String type) {
        return audit.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    /** Probe {@code i} was refused by the runtime: an error for the model and one {@code policy_denied} event. */
    void assertRefused(int i) {
        Probe probe = probes.get(i);
        assertThat(message(i)).as("answer to %s", probe).startsWith("error:").contains("refused");
        assertThat(denials(i)).as("policy_denied events for %s", probe).hasSize(1);
        assertThat(denials(i).get(0).path("data").path("reason").asText()).as("audited reason for %s", probe).contains("refused");
    }

    /** Probe {@code i} (a shell command) was not refused: it ran in the sandbox and the model got its exit code. */
    void assertRan(int i) {
        Probe probe = probes.get(i);
        assertThat(message(i)).as("answer to %s", probe).startsWith("exit code: ");
        assertThat(denials(i)).as("policy_denied events for %s", probe).isEmpty();
    }

    /**
     * None of the secrets appears in anything the model received (every chat request, so every tool
     * message) nor in the audit log; a failure names the probe whose answer showed it.
     */
    void assertNeverSeen(String... secrets) {
        for (String secret : secrets) {
            for (int i = 0; i < probes.size(); i++) {
                assertThat(message(i).contains(secret)).as("%s appears in the answer to %s: %s", secret, probes.get(i), message(i)).isFalse();
            }
            for (int i = 0; i < requests.size(); i++) {
                assertThat(requests.get(i).toString().contains(secret)).as("%s appears in chat request %d", secret, i).isFalse();
            }
            assertThat(auditText.contains(secret)).as("%s appears in the audit log", secret).isFalse();
        }
    }

    /** The names of the tools offered natively in request {@code i}. */
    List<String> offered(int i) {
        return StreamSupport.stream(requests.get(i).path("tools").spliterator(), false)
                .map(t -> t.path("function").path("name").asText()).toList();
    }

    static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    static Probe shell(String command) {
        return Probe.of("run_shell", "{\"command\":" + json(command) + "}");
    }

    static Probe read(String path) {
        return Probe.of("read_file", "{\"path\":" + json(path) + "}");
    }

    static Probe write(String path, String content) {
        return Probe.of("write_file", "{\"path\":" + json(path) + ",\"content\":" + json(content) + "}");
    }

    static Probe list(String path) {
        return Probe.of("list_files", "{\"path\":" + json(path) + "}");
    }

    static Probe search(String pattern, String path) {
        return Probe.of("search_files", "{\"pattern\":" + json(pattern) + ",\"path\":" + json(path) + "}");
    }

    static Probe fetch(String url) {
        return Probe.of("http_fetch", "{\"url\":" + json(url) + "}");
    }

    /** Whether {@code condition} holds within {@code limit}, re-checked at each change under {@code dir}. */
    static boolean eventually(Path dir, Duration limit, BooleanSupplier condition) throws Exception {
        return io.devagent.testkit.Await.eventually(dir, limit, condition::getAsBoolean);
    }

    /** Skips when the default shell sandbox (Landlock, else bubblewrap) cannot run here, except in CI, where it must. */
    static void requireSandbox() {
        Prerequisite.require("a working shell sandbox", ShellSandbox.problem());
    }

    /** Skips when bubblewrap cannot run here, except in CI, where it must. */
    static void requireBubblewrap() {
        Prerequisite.require("a working bubblewrap", ShellSandbox.bwrapProblem());
    }

    /** Skips when a program is missing, except in CI, where it must be installed. */
    static void requireProgram(String path) {
        Prerequisite.requireProgram(path);
    }

    /** An HTTP server on the host's loopback that counts every request it receives. */
    static final class CountingServer implements AutoCloseable {
        private final HttpServer server;
        final List<String> hits = new CopyOnWriteArrayList<>();

        CountingServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                hits.add(exchange.getRequestURI().getPath());
                byte[] body = "pong from the host".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
