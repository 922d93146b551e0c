package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.audit.AuditVerifier;
import io.devagent.json.Json;
import io.devagent.policy.Policy;
import io.devagent.run.RunResult;
import io.devagent.view.StateView;
import io.devagent.testkit.McpServers;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static io.devagent.testkit.ScriptedModelServer.ToolCallSpec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real runs whose scripted model calls the tools of real MCP servers from npm: server-everything
 * over stdio, streamable HTTP and SSE, and server-filesystem over stdio.
 */
class McpRunTest {

    @TempDir
    Path root;
    McpServers servers;
    McpRunFixture fx;
    List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        servers = NodeServers.require();
        fx = new McpRunFixture(root);
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\nA tiny repo for MCP tests.\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static ToolCallSpec call(String name, String args) {
        return new ToolCallSpec(name, args);
    }

    @Test
    void aRunCallsToolsOfEveryTransportAndReadsTheirResults() throws Exception {
        McpServers.HttpServerProcess http = servers.everythingHttp();
        McpServers.HttpServerProcess sse = servers.everythingSse();
        toClose.add(http);
        toClose.add(sse);
        Path ws = fx.workspace.toRealPath();
        fx.stdio("everything", servers.everythingStdio());
        fx.endpoint("http").put("transport", "streamable-http").put("url", http.url());
        fx.endpoint("sse").put("transport", "sse").put("url", sse.url());
        fx.stdio("files", servers.filesystemStdio(ws));
        // Reads are named read-only; every other MCP tool is side-effecting.
        fx.policy = new Policy(null, new Policy.Tools(null, null, List.of("*__get-*", "files__read_*")), null, null, null, null, null);
        fx.startRegistry();
        assertThat(fx.registry.statuses().values()).allMatch(EndpointStatus::up);

        fx.model.script(
                Reply.toolCalls(call("everything__echo", "{\"message\":\"hello over stdio\"}"),
                        call("http__get-sum", "{\"a\":2,\"b\":40}"),
                        call("sse__echo", "{\"message\":\"hello over sse\"}")),
                Reply.toolCall("files__read_text_file", Json.write(Json.object().put("path", ws.resolve("README.md").toString()))),
                Reply.toolCall("everything__get-structured-content", "{\"location\":\"Chicago\"}"),
                Reply.toolCall("files__write_file", Json.write(Json.object().put("path", ws.resolve("notes.txt").toString())
                        .put("content", "written over MCP\n"))),
                Reply.toolCall("everything__get-tiny-image", "{}"),
                Reply.text("done"));

        RunResult result = fx.run("Use the MCP tools");

        assertThat(result.status()).isEqualTo("succeeded");
        assertThat(result.answer()).isEqualTo("done");
        // Offered natively, named <endpoint>__<tool>, with the server's input schema, beside the built-ins.
        List<String> offered = fx.offered(0);
        assertThat(offered).contains("read_file", "run_shell", "everything__echo", "everything__get-sum", "http__echo", "sse__echo",
                "files__read_text_file", "files__write_file", "update_plan");
        assertThat(offered.stream().filter(n -> n.startsWith("everything__"))).hasSize(13);
        JsonNode echoSchema = fx.offeredSchema(0, "everything__echo");
        assertThat(echoSchema.path("type").asText()).isEqualTo("object");
        assertThat(echoSchema.path("properties").path("message").path("type").asText()).isEqualTo("string");
        assertThat(echoSchema.path("required").toString()).contains("message");
        assertThat(fx.offeredSchema(0, "http__get-sum").path("required").toString()).contains("a", "b");

        // What each server answered reached the model.
        List<String> results = fx.model.lastToolMessages();
        assertThat(results).hasSize(7);
        assertThat(results.get(0)).isEqualTo("Echo: hello over stdio");
        assertThat(results.get(1)).contains("42");
        assertThat(results.get(2)).isEqualTo("Echo: hello over sse");
        assertThat(results.get(3)).contains("# Demo", "A tiny repo for MCP tests.");
        JsonNode weather = Json.parse(results.get(4));
        assertThat(weather.path("conditions").asText()).isEqualTo("Light rain / drizzle");
        assertThat(results.get(5)).containsIgnoringCase("notes.txt");
        assertThat(results.get(6)).containsPattern("\\[image image/png, \\d+ bytes, not shown]");
        assertThat(Files.readString(ws.resolve("notes.txt"))).isEqualTo("written over MCP\n");

        // Every call is audited (tool_call, tool_result), and the chain verifies.
        List<JsonNode> audited = fx.toolResults(result.runId());
        assertThat(audited).extracting(e -> e.path("name").asText()).containsExactly("everything__echo", "http__get-sum", "sse__echo",
                "files__read_text_file", "everything__get-structured-content", "files__write_file", "everything__get-tiny-image");
        assertThat(audited).allMatch(e -> e.path("ok").asBoolean());
        assertThat(fx.audit(result.runId()).stream().filter(e -> e.path("type").asText().equals("tool_call")).count()).isEqualTo(7);
        assertThat(new StateView(fx.state()).verifyAudit(result.runId()).ok()).isTrue();

        // Side-effecting calls journaled an intent (kind "mcp") and an outcome; the read-only ones did not.
        List<String> intents = fx.journal(result.runId()).stream().filter(e -> e.path("type").asText().equals("intent"))
                .map(e -> e.path("tool").asText(e.path("name").asText())).toList();
        List<JsonNode> intentEntries = fx.journal(result.runId()).stream().filter(e -> e.path("type").asText().equals("intent")).toList();
        assertThat(intentEntries).hasSize(3);
        assertThat(intentEntries).allMatch(e -> e.toString().contains("\"kind\":\"mcp\""));
        assertThat(intentEntries.stream().map(JsonNode::toString).toList())
                .anyMatch(s -> s.contains("everything__echo")).anyMatch(s -> s.contains("sse__echo"))
                .anyMatch(s -> s.contains("files__write_file")).noneMatch(s -> s.contains("get-sum") || s.contains("read_text_file"));
        assertThat(intents).hasSize(3);

        // Network is off (ALLOW_NET unset): the configured endpoints were reachable all the same.
        assertThat(fx.env().get("ALLOW_NET")).isEmpty();
        // The file keeps the status current.
        assertThat(fx.fileStatus("everything").state()).isEqualTo(McpState.UP);
        assertThat(fx.fileStatus("everything").tools()).isEqualTo(13);
        assertThat(fx.fileStatus("files").tools()).isGreaterThanOrEqualTo(10);
        assertThat(fx.fileStatus("files").toolNames()).contains("read_text_file", "write_file");
        // Metrics count MCP tools like any other.
        JsonNode metrics = new StateView(fx.state()).metrics();
        assertThat(metrics.path("tools").path("everything__echo").path("count").asLong()).isEqualTo(1);
    }

    @Test
    void mcpToolsPassThePolicyLikeBuiltIns() throws Exception {
        fx.stdio("everything", servers.everythingStdio());
        fx.policy = new Policy(null, new Policy.Tools(null, List.of("everything__get-env", "everything__trigger-*")), null, null, null, null, null);
        fx.startRegistry();
        fx.model.script(
                Reply.toolCall("everything__get-env", "{}"),
                Reply.toolCall("everything__echo", "{\"message\":\"allowed\"}"),
                Reply.text("done"));

        RunResult result = fx.run("Try a denied tool");

        assertThat(result.status()).isEqualTo("succeeded");
        assertThat(fx.offered(0)).contains("everything__echo").doesNotContain("everything__get-env", "everything__trigger-long-running-operation");
        List<String> results = fx.model.lastToolMessages();
        assertThat(results.get(0)).startsWith("error: refused: the policy does not allow the tool everything__get-env");
        assertThat(results.get(1)).isEqualTo("Echo: allowed");
        assertThat(fx.audit(result.runId()).stream().filter(e -> e.path("type").asText().equals("policy_denied")))
                .extracting(e -> e.path("data").path("name").asText()).containsExactly("everything__get-env");
    }

    @Test
    void aStdioServerGetsACleanEnvironmentWithNoSecrets() throws Exception {
        fx.vars.put("LLM_API_KEY", "sk-this-must-never-reach-a-server-123456");
        fx.stdio("everything", servers.everythingStdio()).putObject("env").put("SERVER_LEVEL", "3");
        fx.startRegistry();
        fx.model.script(Reply.toolCall("everything__get-env", "{}"), Reply.text("done"));

        RunResult result = fx.run("Show the server's environment");

        assertThat(result.status()).isEqualTo("succeeded");
        JsonNode env = Json.parse(fx.model.lastToolMessages().get(0));
        Set<String> allowed = Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "SERVER_LEVEL");
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = env.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        assertThat(names).contains("SERVER_LEVEL").allMatch(allowed::contains);
        assertThat(env.path("SERVER_LEVEL").asText()).isEqualTo("3");
        // This JVM's own environment (JAVA_HOME, CI, MAVEN_*...) is not passed either.
        assertThat(System.getenv().keySet().stream().filter(k -> !allowed.contains(k))).noneMatch(env::has);
    }
}
