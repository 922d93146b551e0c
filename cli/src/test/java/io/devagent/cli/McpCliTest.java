package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.mcp.EndpointsFile;
import io.devagent.testkit.McpServers;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent mcp list | check}, and runs from the CLI (in this process and in the main runtime) with MCP endpoints. */
@ExtendWith(CliHarness.class)
class McpCliTest {

    private static final String TOKEN = "cli-literal-token-4b8e2d9f0a";
    private static final String HEADER = "cli-header-secret-77aa99bb";

    ScriptedModelServer server;
    CliFixture fx;

    @BeforeEach
    void setUp() {
        fx.vars.put("LLM_MODEL", "scripted-model");
    }

    private static McpServers servers() {
        Optional<McpServers> found = McpServers.find();
        if (found.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("this test runs real MCP servers and CI=true: " + McpServers.missing());
            }
            Assumptions.abort("needs the npm MCP servers: " + McpServers.missing());
        }
        return found.get();
    }

    private Path endpointsFile() {
        return fx.state.resolve("tools").resolve("mcp_endpoints.json");
    }

    /** server-everything over stdio, and an HTTP endpoint where nothing listens, with a literal token and a header. */
    private void writeEndpoints(McpServers servers, boolean withDeadOne) throws Exception {
        ObjectNode tree = EndpointsFile.newTree();
        ObjectNode everything = EndpointsFile.addEndpoint(tree).put("name", "everything").put("transport", "stdio");
        servers.everythingStdio().forEach(everything.putArray("command")::add);
        everything.putObject("rateLimit").put("requestsPerMinute", 600).put("burst", 20);
        if (withDeadOne) {
            ObjectNode dead = EndpointsFile.addEndpoint(tree).put("name", "remote").put("url", "http://127.0.0.1:" + McpServers.freePort() + "/mcp")
                    .put("connectTimeoutSeconds", 2);
            dead.putObject("auth").put("token", TOKEN).putObject("headers").put("X-Api-Key", HEADER);
        }
        EndpointsFile.write(endpointsFile(), tree);
    }

    @Test
    void withoutAnEndpointsFileThereIsNothingToListOrCheck() throws Exception {
        CliFixture.Outcome list = fx.agent("mcp", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("no MCP endpoints configured").contains(endpointsFile().toString());
        CliFixture.Outcome check = fx.agent("mcp", "check", "--json");
        assertThat(check.exit()).isZero();
        assertThat(Json.parse(check.out()).path("ok").asBoolean()).isTrue();
    }

    @Test
    void checkProbesEachEndpointRecordsItAndFailsWhenOneIsDown() throws Exception {
        writeEndpoints(servers(), true);

        CliFixture.Outcome check = fx.agent("mcp", "check", "--json");

        assertThat(check.exit()).as(check.err()).isEqualTo(1);
        JsonNode report = Json.parse(check.out());
        assertThat(report.path("ok").asBoolean()).isFalse();
        assertThat(report.path("endpoints").get(0).path("name").asText()).isEqualTo("everything");
        assertThat(report.path("endpoints").get(0).path("state").asText()).isEqualTo("up");
        assertThat(report.path("endpoints").get(0).path("tools").asInt()).isEqualTo(13);
        assertThat(report.path("endpoints").get(1).path("state").asText()).isEqualTo("down");
        assertThat(report.path("endpoints").get(1).path("error").asText()).contains("connection refused");
        // The probe's outcome is in the file, the user's fields untouched.
        JsonNode file = Json.parse(Files.readString(endpointsFile()));
        assertThat(file.path("endpoints").get(0).path("status").path("state").asText()).isEqualTo("up");
        assertThat(file.path("endpoints").get(1).path("status").path("state").asText()).isEqualTo("down");
        assertThat(file.path("endpoints").get(1).path("auth").path("token").asText()).isEqualTo(TOKEN);

        CliFixture.Outcome text = fx.agent("mcp", "check");
        assertThat(text.exit()).isEqualTo(1);
        assertThat(text.out()).containsPattern("everything\\s+up\\s+13 tools").containsPattern("remote\\s+down\\s+connection refused");

        CliFixture.Outcome list = fx.agent("mcp", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).containsPattern("everything\\s+stdio\\s+up\\s+13")
                .contains("everything__echo", "everything__get-sum")
                .contains("rate limit: 600/min, burst 20")
                .containsPattern("remote\\s+streamable-http\\s+down\\s+0")
                .contains("auth: bearer token [REDACTED] (in the file), header X-Api-Key: [REDACTED]")
                .contains("error: connection refused");
        CliFixture.Outcome json = fx.agent("mcp", "list", "--json");
        assertThat(json.exit()).isZero();
        JsonNode listed = Json.parse(json.out());
        assertThat(listed.path("endpoints").get(1).path("auth").path("token").asText()).isEqualTo("[REDACTED]");
        assertThat(listed.path("endpoints").get(0).path("status").path("tools").asInt()).isEqualTo(13);
        for (CliFixture.Outcome outcome : List.of(check, text, list, json)) {
            assertThat(outcome.out() + outcome.err()).doesNotContain(TOKEN).doesNotContain(HEADER);
        }
    }

    @Test
    void checkExitsZeroWhenEveryEndpointIsUp() throws Exception {
        writeEndpoints(servers(), false);
        CliFixture.Outcome check = fx.agent("mcp", "check");
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).containsPattern("everything\\s+up\\s+13 tools, \\d+ ms");
    }

    @Test
    void aStdioServerThatExitsIsReportedAtOnceWithItsExitCodeAndItsLastWords() throws Exception {
        ObjectNode tree = EndpointsFile.newTree();
        // A long connect timeout: only the exit, not the clock, can end this check with "exited at once".
        ObjectNode dying = EndpointsFile.addEndpoint(tree).put("name", "dying").put("transport", "stdio").put("connectTimeoutSeconds", 300);
        dying.putArray("command").add("sh").add("-c").add("echo 'starting' >&2; echo 'Error: cannot open /no/such.db' >&2; "
                + "echo '    at open (server.js:3:9)' >&2; echo '    at main (server.js:9:1)' >&2; sleep 0.5; exit 3");
        EndpointsFile.write(endpointsFile(), tree);

        CliFixture.Outcome check = fx.agent("mcp", "check");

        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).containsPattern("dying\\s+down\\s+the server process exited at once \\(exit code 3\\); "
                + "its last output: Error: cannot open /no/such.db");
        assertThat(check.out() + check.err()).doesNotContain("server.js").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aBrokenEndpointsFileIsABadUsageError() throws Exception {
        Files.createDirectories(endpointsFile().getParent());
        Files.writeString(endpointsFile(), "{\"endpoints\": [{\"name\": \"x\", \"transport\": \"carrier-pigeon\", \"url\": \"http://x\"}]}");
        CliFixture.Outcome list = fx.agent("mcp", "list");
        assertThat(list.exit()).isEqualTo(2);
        assertThat(list.err()).contains("transport: 'carrier-pigeon' is not one of stdio, streamable-http, sse");
        assertThat(fx.agent("mcp", "check").exit()).isEqualTo(2);
    }

    @Test
    void aRunInThisProcessOffersTheToolsOfTheEndpointsThatAreUp() throws Exception {
        writeEndpoints(servers(), true);
        server.script(Reply.toolCall("everything__get-sum", "{\"a\":20,\"b\":22}"), Reply.text("The sum is 42."));

        CliFixture.Outcome run = fx.agent("run", "Add numbers", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Json.parse(run.out()).path("answer").asText()).isEqualTo("The sum is 42.");
        assertThat(run.err()).contains("warning: MCP endpoint 'remote' is down").contains("its tools are not offered")
                .doesNotContain(TOKEN).doesNotContain(HEADER);
        JsonNode firstRequest = server.requests().get(0);
        List<String> offered = new ArrayList<>();
        firstRequest.path("tools").forEach(t -> offered.add(t.path("function").path("name").asText()));
        assertThat(offered).contains("everything__get-sum", "read_file").noneMatch(n -> n.startsWith("remote__"));
        String toolMessage = server.requests().get(1).path("messages").toString();
        assertThat(toolMessage).contains("The sum of 20 and 22 is 42");
    }

    @Test
    void theMainRuntimeServesGoalsWithMcpToolsAndStopsItsServersWhenItStops() throws Exception {
        writeEndpoints(servers(), false);
        server.script(Reply.toolCall("everything__echo", "{\"message\":\"from the runtime\"}"), Reply.text("Echoed."));
        Process runtime = fx.startRuntime();
        assertThat(fx.out("runtime")).contains("MCP endpoint 'everything' is up: 13 tools");
        List<ProcessHandle> servers = runtime.toHandle().descendants().filter(p -> p.info().arguments()
                .map(a -> String.join(" ", a)).orElse("").contains("server-everything")).toList();
        assertThat(servers).hasSize(1);

        CliFixture.Outcome run = fx.agent("run", "Echo something");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.outLines().get(run.outLines().size() - 1)).isEqualTo("Echoed.");
        assertThat(server.requests().get(1).path("messages").toString()).contains("Echo: from the runtime");

        runtime.destroy(); // SIGTERM
        assertThat(runtime.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await("the stdio server is gone with the runtime", () -> servers.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void anMcpCallInterruptedByACrashIsReportedAsUnknownOnResumeAndNotRepeated() throws Exception {
        McpServers servers = servers();
        String marker = "crash-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        ObjectNode tree = EndpointsFile.newTree();
        ObjectNode everything = EndpointsFile.addEndpoint(tree).put("name", "everything").put("transport", "stdio");
        servers.everythingStdio().forEach(everything.putArray("command")::add);
        everything.withArray("command").add(marker); // ignored by the server; lets this test find its processes
        EndpointsFile.write(endpointsFile(), tree);
        server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(
                Reply.toolCall("everything__echo", "{\"message\":\"exactly once\"}"),
                Reply.text("done"));

        fx.crashAt("after_intent", "run", "Echo once", "--run-id", "mcp-crash");
        // The dead process's stdio server sees its input close and exits too.
        await("the crashed run's server exits", () -> ProcessHandle.allProcesses().noneMatch(p -> p.isAlive()
                && p.info().arguments().map(a -> String.join(" ", a)).orElse("").contains(marker)));

        CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "mcp-crash", "--json");

        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(Json.parse(resumed.out()).path("answer").asText()).isEqualTo("done");
        String toolMessage = server.requests().get(server.requests().size() - 1).path("messages").toString();
        assertThat(toolMessage).contains("everything__echo (call tool 'echo' on MCP endpoint 'everything') was interrupted before its result was saved; its effect is unknown and it was not run again");
        // Not run again: the server never echoed it.
        assertThat(server.requests().stream().map(JsonNode::toString)).noneMatch(r -> r.contains("Echo: exactly once"));
        assertThat(fx.agent("audit", "verify", "mcp-crash").exit()).isZero();
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        fx.await(what, condition::getAsBoolean);
    }
}
