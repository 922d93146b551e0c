package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ToolCallSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code agent} command as users type it, in-process, against a real scripted model server. */
@ExtendWith(CliHarness.class)
class CliTest {

    ScriptedModelServer server;
    CliFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\n");
    }

    @Test
    void runPrintsTheRunIdFirstAndTheAnswerLast() throws Exception {
        server.script(Reply.toolCall("read_file", "{\"path\":\"README.md\"}"), Reply.text("A demo repository."));

        CliFixture.Outcome run = fx.agent("run", "Summarize repo");

        assertThat(run.exit()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines.get(0)).matches("run_id: \\d{8}-\\d{6}-[0-9a-f]{6}");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("A demo repository.");
        // Not a terminal: progress comes as plain lines on stderr.
        assertThat(run.err()).contains("read_file README.md").doesNotContain("\r");
    }

    @Test
    void jsonPrintsOneObjectAtTheEnd() throws Exception {
        server.script(Reply.text("Done."));

        CliFixture.Outcome run = fx.agent("run", "Summarize repo", "--json");

        assertThat(run.exit()).isZero();
        assertThat(run.outLines()).hasSize(1);
        JsonNode result = Json.parse(run.out());
        assertThat(result.path("status").asText()).isEqualTo("succeeded");
        assertThat(result.path("answer").asText()).isEqualTo("Done.");
        assertThat(result.path("steps").asInt()).isEqualTo(1);
        assertThat(result.path("tokens").asLong()).isPositive();
        assertThat(result.path("run_id").asText()).isNotBlank();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void anUnreachableModelExitsThreeWithOneClearLine() {
        server.close();

        CliFixture.Outcome run = fx.agent("run", "Summarize repo");

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("error: cannot reach the model at " + server.baseUrl()).doesNotContain("Exception");
    }

    @Test
    void checkpointsListShowAndAuditVerify() throws Exception {
        server.script(Reply.toolCall("list_files", "{\"path\":\".\"}"), Reply.text("first"), Reply.text("second"));
        String first = runId(fx.agent("run", "First goal"));
        String second = runId(fx.agent("run", "Second goal"));

        CliFixture.Outcome list = fx.agent("checkpoints", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.outLines().get(0)).contains("RUN_ID").contains("STATUS").contains("STEP").contains("UPDATED_AT").contains("GOAL");
        assertThat(list.outLines().get(1)).startsWith(second).contains("succeeded").contains("Second goal");
        assertThat(list.outLines().get(2)).startsWith(first).contains("First goal");

        JsonNode listed = Json.parse(fx.agent("checkpoints", "list", "--json").out());
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).path("run_id").asText()).isEqualTo(second);

        JsonNode newest = Json.parse(fx.agent("checkpoints", "show").out());
        assertThat(newest.path("run_id").asText()).isEqualTo(second);
        JsonNode shown = Json.parse(fx.agent("checkpoints", "show", first).out());
        for (String field : List.of("run_id", "goal", "status", "current_step", "updated_at")) {
            assertThat(shown.has(field)).as(field).isTrue();
        }
        assertThat(shown.path("current_step").asInt()).isEqualTo(2);
        assertThat(fx.agent("checkpoints", "show", "nope").exit()).isEqualTo(1);

        CliFixture.Outcome verified = fx.agent("audit", "verify", first);
        assertThat(verified.exit()).isZero();
        assertThat(verified.out()).startsWith("ok:").contains("hash chain is intact");
    }

    @Test
    void auditVerifyNamesTheFirstTamperedLine() throws Exception {
        server.script(Reply.toolCall("list_files", "{\"path\":\".\"}"), Reply.text("answer"));
        String runId = runId(fx.agent("run", "Goal"));
        Path log = fx.state.resolve("audit/run-" + runId + ".jsonl");
        List<String> lines = Files.readAllLines(log);
        int victim = 4; // 1-based: the tool_call line
        assertThat(lines.get(victim - 1)).contains("\"type\":\"tool_call\"");
        lines.set(victim - 1, lines.get(victim - 1).replace("list_files", "read_file"));
        Files.write(log, lines);

        CliFixture.Outcome verified = fx.agent("audit", "verify", runId);

        assertThat(verified.exit()).isEqualTo(1);
        assertThat(verified.err()).contains("line " + victim).contains("hash mismatch");

        lines.remove(victim - 1);
        Files.write(log, lines);
        CliFixture.Outcome removed = fx.agent("audit", "verify", runId, "--json");
        assertThat(removed.exit()).isEqualTo(1);
        assertThat(Json.parse(removed.out()).path("bad_line").asInt()).isEqualTo(victim);
    }

    @Test
    void secretsNeverReachOutputAuditOrState() throws Exception {
        String apiKey = "sk-test-0123456789abcdefSECRET";
        fx.vars.put("LLM_API_KEY", apiKey);
        Files.writeString(fx.workspace.resolve("config.txt"), "token=" + apiKey + "\n");
        server.script(Reply.toolCall("read_file", "{\"path\":\"config.txt\"}"), Reply.text("The key is " + apiKey));

        CliFixture.Outcome run = fx.agent("run", "Leak the key");

        assertThat(run.exit()).isZero();
        assertThat(run.out() + run.err()).doesNotContain(apiKey);
        // snapshots/ is the shadow repository: copies of the workspace's own files (config.txt among them), compressed.
        // The policy's denied files are never copied there (WorkspaceChangesTest); the run's records are checked here.
        try (Stream<Path> files = Files.walk(fx.state)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(fx.state.resolve("snapshots"))).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain(apiKey);
            }
        }
    }

    @Test
    void badUsageAndBrokenConfigurationGetClearErrors() throws Exception {
        // 'agent run' alone is the main runtime (MainRuntimeTest); an empty goal is bad usage.
        assertThat(fx.agent("run", " ").exit()).isEqualTo(2);
        assertThat(fx.agent("frobnicate").exit()).isEqualTo(2);
        assertThat(fx.agent("checkpoints", "resume", "no-such-run").err()).contains("no run with id 'no-such-run'");

        Path policy = fx.state.resolve("policies/policy.yaml");
        Files.createDirectories(policy.getParent());
        Files.writeString(policy, "limits: {maxSteps: many}\n");
        CliFixture.Outcome run = fx.agent("run", "Summarize repo");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(policy.toString()).contains("limits.maxSteps").doesNotContain("Exception");

        CliFixture.Outcome invalid = fx.agent("policies", "validate", policy.toString());
        assertThat(invalid.exit()).isEqualTo(1);
        Files.writeString(policy, "limits: {maxSteps: 5}\nnetwork: {allow: true}\n");
        assertThat(fx.agent("policies", "validate", policy.toString()).exit()).isZero();
        // ALLOW_NET is unset, so the policy in force keeps network off.
        assertThat(Json.parse(fx.agent("policies", "show").out().lines().skip(1).reduce("", String::concat))
                .path("network").path("allow").asBoolean()).isFalse();
    }

    @Test
    void toolCallsWithObjectArgumentsWork() throws Exception {
        server.script(Reply.toolCalls(new ToolCallSpec("write_file", "{\"path\":\"a.txt\",\"content\":\"A\"}", true)), Reply.text("ok"));
        assertThat(fx.agent("run", "Write").exit()).isZero();
        assertThat(Files.readString(fx.workspace.resolve("a.txt"))).isEqualTo("A");
    }

    static String runId(CliFixture.Outcome outcome) {
        assertThat(outcome.exit()).as(outcome.err()).isZero();
        return outcome.outLines().get(0).substring("run_id: ".length());
    }
}
