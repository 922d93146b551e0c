package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The approval round trip through real runs: the policy's {@code approve} stops a run before the call
 * (status awaiting_approval, exit 4), {@code agent approve} / {@code agent deny} answer it, in this
 * process or through the main runtime, also after the waiting runtime was killed.
 */
@ExtendWith(CliHarness.class)
class ApprovalTest {

    ScriptedModelServer server;
    CliFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .script(Reply.toolCall("write_file", "{\"path\":\"hello.txt\",\"content\":\"hello\\n\"}"),
                        Reply.text("I wrote hello.txt."));
        fx.vars.put("LLM_MODEL", "scripted-model");
        Files.createDirectories(fx.state.resolve("policies"));
        Files.writeString(fx.state.resolve("policies/policy.yaml"), "approve: [write_file, run_*]\n");
    }

    @Test
    void aRunWaitsForApprovalAndTheApprovedCallRunsOnce() throws Exception {
        CliFixture.Outcome run = fx.agent("run", "Write hello");

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.AWAITING_APPROVAL);
        String runId = runId(run);
        assertThat(run.err()).contains("waiting for approval of write_file").contains("agent approve " + runId);
        assertThat(fx.workspace.resolve("hello.txt")).doesNotExist();
        JsonNode snapshot = snapshot(runId);
        assertThat(snapshot.path("status").asText()).isEqualTo("awaiting_approval");
        assertThat(snapshot.path("approval").path("name").asText()).isEqualTo("write_file");
        assertThat(snapshot.path("approval").path("preview").asText()).contains("+++ hello.txt").contains("+hello");

        CliFixture.Outcome approved = fx.agent("approve", runId);

        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("I wrote hello.txt.");
        assertThat(fx.workspace.resolve("hello.txt")).hasContent("hello");
        List<String> types = auditTypes(runId);
        assertThat(types).containsSubsequence("approval_requested", "approval_answered", "tool_call", "tool_result", "run_finished");
        assertThat(types.stream().filter("tool_result"::equals).count()).isEqualTo(1); // the write ran exactly once
        assertThat(auditEvent(runId, "approval_answered").path("data").path("by").asText()).startsWith("cli (");

        CliFixture.Outcome again = fx.agent("approve", runId);
        assertThat(again.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err().strip()).isEqualTo("error: run " + runId + " is not waiting for approval (it is succeeded)");
        CliFixture.Outcome unknown = fx.agent("deny", "no-such-run");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err().lines().count()).isEqualTo(1);
    }

    @Test
    void aDeniedCallAnswersTheModelWithTheReason() throws Exception {
        String runId = runId(fx.agent("run", "Write hello"));

        CliFixture.Outcome denied = fx.agent("deny", runId, "--reason", "not in this repository");

        assertThat(denied.exit()).as(denied.err()).isZero();
        assertThat(fx.workspace.resolve("hello.txt")).doesNotExist();
        JsonNode last = server.requests().getLast();
        assertThat(Json.write(last.path("messages"))).contains("denied this write_file call: not in this repository");
        assertThat(auditEvent(runId, "approval_answered").path("data").path("approved").asBoolean()).isFalse();
        assertThat(snapshot(runId).path("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void theMainRuntimeWaitsAcrossAKillAndTheAnswerGoesThroughTheNextOne() throws Exception {
        Process first = fx.startRuntime("runtime-1");
        CliFixture.Outcome run = fx.agent("run", "Write hello");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.AWAITING_APPROVAL);
        String runId = runId(run);
        assertThat(run.err()).contains("handed to the main runtime");

        first.destroyForcibly(); // kill -9 of the process the run waited in
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(snapshot(runId).path("status").asText()).isEqualTo("awaiting_approval");
        Process second = fx.startRuntime("runtime-2");

        CliFixture.Outcome approved = fx.agent("approve", runId);

        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.err()).contains("goes on in the main runtime (pid " + second.pid() + ")");
        assertThat(approved.out()).contains("I wrote hello.txt.");
        assertThat(fx.workspace.resolve("hello.txt")).hasContent("hello");
        assertThat(fx.out("runtime-2")).contains("run " + runId + " resumed");
    }

    private static String runId(CliFixture.Outcome run) {
        return run.outLines().getFirst().substring("run_id: ".length());
    }

    private JsonNode snapshot(String runId) throws Exception {
        return Json.parse(Files.readString(fx.state.resolve("checkpoints").resolve(runId).resolve("snapshot.json")));
    }

    private List<String> auditTypes(String runId) throws Exception {
        return Files.readAllLines(fx.state.resolve("audit/run-" + runId + ".jsonl")).stream()
                .map(line -> parse(line).path("type").asText()).toList();
    }

    private JsonNode auditEvent(String runId, String type) throws Exception {
        return Files.readAllLines(fx.state.resolve("audit/run-" + runId + ".jsonl")).stream().map(ApprovalTest::parse)
                .filter(e -> e.path("type").asText().equals(type)).reduce((a, b) -> b).orElseThrow();
    }

    private static JsonNode parse(String line) {
        try {
            return Json.parse(line);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
