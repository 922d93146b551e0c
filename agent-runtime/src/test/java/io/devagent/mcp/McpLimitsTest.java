package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.run.RunResult;
import io.devagent.testkit.McpServers;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ToolCallSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Rate limits and call timeouts, in real runs against server-everything over stdio. */
class McpLimitsTest {

    @TempDir
    Path root;
    McpServers servers;
    McpRunFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        servers = NodeServers.require();
        fx = new McpRunFixture(root);
    }

    @AfterEach
    void tearDown() {
        if (fx != null) { // null when the test was skipped before its fixture existed
            fx.close();
        }
    }

    @Test
    void callsOverTheRateLimitWaitUpToTheBoundThenFailToTheModel() throws Exception {
        fx.stdio("limited", servers.everythingStdio()).putObject("rateLimit")
                .put("requestsPerMinute", 1).put("burst", 2).put("maxWaitSeconds", 0.2);
        fx.stdio("paced", servers.everythingStdio()).putObject("rateLimit")
                .put("requestsPerMinute", 120).put("burst", 1).put("maxWaitSeconds", 5);
        fx.startRegistry();
        fx.model.script(
                Reply.toolCalls(new ToolCallSpec("limited__echo", "{\"message\":\"one\"}"),
                        new ToolCallSpec("limited__echo", "{\"message\":\"two\"}"),
                        new ToolCallSpec("limited__echo", "{\"message\":\"three\"}")),
                Reply.toolCalls(new ToolCallSpec("paced__echo", "{\"message\":\"first\"}"),
                        new ToolCallSpec("paced__echo", "{\"message\":\"second\"}")),
                Reply.text("done"));

        RunResult result = fx.run("Call too often");

        assertThat(result.status()).isEqualTo("succeeded");
        List<String> results = fx.model.lastToolMessages();
        assertThat(results.get(0)).isEqualTo("Echo: one");
        assertThat(results.get(1)).isEqualTo("Echo: two");
        assertThat(results.get(2)).startsWith("error: refused: the rate limit of MCP endpoint 'limited' (1 calls per minute, burst 2) is used up")
                .contains("longer than the 0.2 s a call may wait");
        // Within the bound a call waits for its turn (120 a minute: one every 0.5 s) and goes through.
        assertThat(results.get(3)).isEqualTo("Echo: first");
        assertThat(results.get(4)).isEqualTo("Echo: second");
        List<JsonNode> audited = fx.toolResults(result.runId());
        assertThat(audited.get(2).path("error_kind").asText()).isEqualTo("mcp_rate_limited");
        // The two paced calls are at least the refill interval apart: the second waited for its token.
        List<JsonNode> events = fx.audit(result.runId());
        java.time.Instant firstCalled = events.stream().filter(e -> e.path("type").asText().equals("tool_call")
                && e.path("data").path("name").asText().equals("paced__echo")).map(e -> java.time.Instant.parse(e.path("ts").asText()))
                .findFirst().orElseThrow();
        java.time.Instant secondDone = events.stream().filter(e -> e.path("type").asText().equals("tool_result")
                && e.path("data").path("name").asText().equals("paced__echo")).map(e -> java.time.Instant.parse(e.path("ts").asText()))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(Duration.between(firstCalled, secondDone)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        // A refused call had no effect: it journaled no intent.
        long intents = fx.journal(result.runId()).stream().filter(e -> e.path("type").asText().equals("intent")).count();
        assertThat(intents).isEqualTo(4);
        // The endpoint stays up: a limit is not a failure.
        assertThat(fx.registry.statuses().get("limited").up()).isTrue();
    }

    @Test
    void aCallThatHangsTimesOutAndTheRunGoesOn() throws Exception {
        fx.stdio("everything", servers.everythingStdio()).put("timeoutSeconds", 1);
        fx.startRegistry();
        fx.model.script(
                Reply.toolCall("everything__trigger-long-running-operation", "{\"duration\":60,\"steps\":2}"),
                Reply.toolCall("everything__echo", "{\"message\":\"still here\"}"),
                Reply.text("done"));

        RunResult result = fx.run("Wait for something slow");

        // The 60 s operation is abandoned after 1 s: the run goes on to the next call and finishes (a run that waited would hang).
        assertThat(result.status()).isEqualTo("succeeded");
        List<String> results = fx.model.lastToolMessages();
        assertThat(results.get(0)).startsWith("error: everything__trigger-long-running-operation did not finish within 1 s")
                .contains("abandoned");
        assertThat(results.get(1)).isEqualTo("Echo: still here");
        List<JsonNode> audited = fx.toolResults(result.runId());
        assertThat(audited.get(0).path("error_kind").asText()).isEqualTo("mcp_timeout");
        assertThat(audited.get(0).path("duration_ms").asDouble()).isBetween(900.0, 10_000.0);
        // The abandoned call journaled its intent and an outcome (an error): on resume it is not run again.
        List<JsonNode> journal = fx.journal(result.runId());
        JsonNode outcome = journal.stream().filter(e -> e.path("type").asText().equals("outcome")).findFirst().orElseThrow();
        assertThat(outcome.toString()).contains("did not finish within 1 s");
        assertThat(fx.registry.statuses().get("everything").up()).isTrue();
    }
}
