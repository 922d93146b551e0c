package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.run.RunResult;
import io.devagent.testkit.BearerProxy;
import io.devagent.testkit.McpServers;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials: a loopback proxy that checks a bearer token stands in front of server-everything's
 * streamable HTTP (and SSE) server. A right token connects, a wrong one marks the endpoint
 * unauthorized, and no token shows anywhere.
 */
class McpAuthTest {

    private static final String TOKEN = "mcp-bearer-7f3c9a1e5d2b4680";
    private static final String WRONG = "wrong-token-value-000111";

    @TempDir
    Path root;
    McpRunFixture fx;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        NodeServers.require();
        fx = new McpRunFixture(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) { // null when the test was skipped before its fixture existed
            fx.close();
        }
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    @Test
    void aRightTokenConnectsAWrongOneIsUnauthorizedAndNoTokenShowsAnywhere() throws Exception {
        McpServers servers = NodeServers.require();
        McpServers.HttpServerProcess http = servers.everythingHttp();
        toClose.add(http);
        McpServers.HttpServerProcess sse = servers.everythingSse();
        toClose.add(sse);
        BearerProxy proxy = BearerProxy.start("http://127.0.0.1:" + http.port(), TOKEN);
        toClose.add(proxy);
        BearerProxy sseProxy = BearerProxy.start("http://127.0.0.1:" + sse.port(), TOKEN);
        toClose.add(sseProxy);
        // The right token from a file outside the state directory: only the registry knows it, not the environment.
        Path tokenFile = Files.createDirectories(root.resolve("secrets")).resolve("secured.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        fx.endpoint("secured").put("url", proxy.url("/mcp")).putObject("auth").put("tokenFile", tokenFile.toString());
        fx.endpoint("wrong").put("url", proxy.url("/mcp")).putObject("auth").put("token", WRONG);
        fx.endpoint("wrongsse").put("transport", "sse").put("url", sseProxy.url("/sse"))
                .putObject("auth").putObject("headers").put("Authorization", "Bearer " + WRONG);
        fx.endpoint("noenv").put("url", proxy.url("/mcp")).putObject("auth").put("tokenEnv", "NOT_SET_ANYWHERE_TOKEN");
        fx.startRegistry();

        Map<String, EndpointStatus> statuses = fx.registry.statuses();
        assertThat(statuses.get("secured").state()).isEqualTo(McpState.UP);
        assertThat(statuses.get("wrong").state()).isEqualTo(McpState.UNAUTHORIZED);
        assertThat(statuses.get("wrong").error()).contains("refused the credentials (HTTP 401)");
        assertThat(statuses.get("wrongsse").state()).isEqualTo(McpState.UNAUTHORIZED);
        assertThat(statuses.get("noenv").state()).isEqualTo(McpState.UNAUTHORIZED);
        assertThat(statuses.get("noenv").error()).contains("NOT_SET_ANYWHERE_TOKEN is not set");
        assertThat(fx.fileStatus("wrong").state()).isEqualTo(McpState.UNAUTHORIZED);
        assertThat(proxy.refused()).isPositive();
        assertThat(proxy.forwarded()).isPositive();

        fx.model.script(
                // The model gets hold of the token somehow and sends it around.
                Reply.toolCall("secured__echo", Json.write(Json.object().put("message", "the token is " + TOKEN))),
                Reply.toolCall("wrong__echo", "{\"message\":\"x\"}"),
                Reply.text("done; the token was " + TOKEN));

        RunResult result = fx.run("Use the secured server");

        assertThat(result.status()).isEqualTo("succeeded");
        assertThat(fx.offered(0)).contains("secured__echo").noneMatch(n -> n.startsWith("wrong__") || n.startsWith("wrongsse__")
                || n.startsWith("noenv__"));
        List<String> results = fx.model.lastToolMessages();
        assertThat(results.get(0)).isEqualTo("Echo: the token is [REDACTED]");
        assertThat(results.get(1)).startsWith("error: MCP endpoint 'wrong' is unauthorized").contains("HTTP 401");
        assertThat(result.answer()).isEqualTo("done; the token was [REDACTED]");

        // No token in anything the run wrote: journal, snapshot, audit log, metrics, the endpoints file.
        for (Map.Entry<Path, String> file : fx.stateFiles().entrySet()) {
            assertThat(file.getValue()).as(file.getKey().toString()).doesNotContain(TOKEN);
            if (!file.getKey().equals(fx.endpointsFile())) {
                assertThat(file.getValue()).as(file.getKey().toString()).doesNotContain(WRONG);
            }
        }
        assertThat(fx.audit(result.runId()).toString()).contains("[REDACTED]");
        assertThat(String.join("\n", fx.log)).doesNotContain(TOKEN).doesNotContain(WRONG);
        // The user's literal token stays in their file, and is masked in every view of it.
        assertThat(Files.readString(fx.endpointsFile())).contains(WRONG);
        JsonNode redacted = EndpointsFile.readRedacted(fx.endpointsFile());
        assertThat(redacted.toString()).doesNotContain(WRONG).doesNotContain(TOKEN);
        assertThat(redacted.path("endpoints").get(1).path("auth").path("token").asText()).isEqualTo("[REDACTED]");
        assertThat(redacted.path("endpoints").get(2).path("auth").path("headers").path("Authorization").asText()).isEqualTo("[REDACTED]");
        assertThat(redacted.path("endpoints").get(0).path("status").path("state").asText()).isEqualTo("up");
        // The registry can mask its tokens in anything else that would print them.
        assertThat(fx.registry.mask("x " + TOKEN + " y")).isEqualTo("x [REDACTED] y");
        assertThat(fx.registry.secrets()).contains(TOKEN, WRONG);
    }
}
