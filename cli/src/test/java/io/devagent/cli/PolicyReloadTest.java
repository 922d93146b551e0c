package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.Await;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy changes under a live main runtime while a run is in flight: valid and invalid versions
 * mixed, by SIGHUP ({@code agent policies reload}) and by editing the file. The runtime never dies;
 * a valid version applies from the run's next tool call; an invalid one is reported and the old one kept.
 */
@ExtendWith(CliHarness.class)
class PolicyReloadTest {

    ScriptedModelServer server;
    CliFixture fx;
    Process runtime;
    Path policyFile;

    @BeforeEach
    void setUp() throws Exception {
        fx.vars.put("LLM_MODEL", "scripted-model");
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\n");
        policyFile = fx.state.resolve("policies/policy.yaml");
        Files.createDirectories(policyFile.getParent());
        Files.writeString(policyFile, "limits: {maxSteps: 500}\n");
        // A long run: a list_files every 150 ms, until the test is done with it.
        // The same directory under a few spellings: the same call with the same result five times would stop the run.
        server.whenExhausted(Reply.from(request -> Reply.delayed(150, Reply.toolCall("list_files",
                "{\"path\":\"." + "/.".repeat(request.path("messages").size() % 8) + "\"}"))));
        runtime = fx.startRuntime();
    }

    @Test
    void validAndInvalidPoliciesUnderALiveRuntime() throws Exception {
        CliFixture.Outcome detached = fx.agent("run", "List forever", "--run-id", "live", "--detach");
        assertThat(detached.exit()).as(detached.err()).isZero();
        awaitToolResults(2);

        // 1. Invalid YAML: rejected, the defaults-plus-maxSteps policy stays.
        String v0 = status().path("version").asText();
        Files.writeString(policyFile, "limits: {maxSteps: [unclosed\n");
        CliFixture.Outcome rejected = fx.agent("policies", "reload");
        assertThat(rejected.exit()).isEqualTo(1);
        assertThat(rejected.err()).startsWith("rejected:").contains(policyFile.toString()).contains("version " + v0 + " stays in force");
        assertThat(runtime.isAlive()).isTrue();

        // 2. Valid: list_files denied. It applies from the next tool call.
        Files.writeString(policyFile, "limits: {maxSteps: 500}\ntools: {deny: [\"list_files\"]}\n");
        CliFixture.Outcome denyList = fx.agent("policies", "reload");
        assertThat(denyList.exit()).as(denyList.err()).isZero();
        String v1 = status().path("version").asText();
        assertThat(v1).isNotEqualTo(v0);
        assertThat(denyList.out()).contains("reloaded: policy version " + v1);
        int before = toolResults().size();
        awaitToolResults(before + 2);
        List<JsonNode> after = toolResults().subList(before, toolResults().size());
        assertThat(after).allMatch(e -> !e.path("data").path("ok").asBoolean() && e.path("data").path("output").asText().contains("does not allow"));
        assertThat(deniedUnder(v1)).isPositive();

        // 3. Invalid field: rejected, v1 stays (list_files still refused).
        Files.writeString(policyFile, "tools: {deny: [\"list_files\"]}\nnetwork: {alow: true}\n");
        CliFixture.Outcome typo = fx.agent("policies", "reload", "--json");
        assertThat(typo.exit()).isEqualTo(1);
        JsonNode typoResult = Json.parse(typo.out());
        assertThat(typoResult.path("ok").asBoolean()).isFalse();
        assertThat(typoResult.path("version").asText()).isEqualTo(v1);
        assertThat(typoResult.path("error").asText()).contains("network.alow");
        int beforeTypo = toolResults().size();
        awaitToolResults(beforeTypo + 1);
        assertThat(toolResults().get(toolResults().size() - 1).path("data").path("ok").asBoolean()).isFalse();

        // 4. Valid again, by editing the file alone: the runtime notices without a signal.
        Files.writeString(policyFile, "limits: {maxSteps: 400}\n");
        await("the file change to be picked up", () -> {
            JsonNode s = status();
            return s.path("ok").asBoolean() && !s.path("version").asText().equals(v1) && s.path("trigger").asText().equals("file changed");
        });
        String v2 = status().path("version").asText();
        await("a successful list_files under " + v2, () -> toolCallsUnder(v2) > 0 && lastResultOk());

        // The runtime lived through it all; the run's audit log has every attempt and still verifies.
        assertThat(runtime.isAlive()).isTrue();
        List<JsonNode> reloads = events("policy_reloaded");
        assertThat(reloads).anyMatch(e -> !e.path("data").path("ok").asBoolean());
        assertThat(reloads).anyMatch(e -> e.path("data").path("ok").asBoolean() && e.path("data").path("version").asText().equals(v1));
        assertThat(reloads).anyMatch(e -> e.path("data").path("version").asText().equals(v2));
        JsonNode shown = Json.parse(String.join("\n", fx.agent("policies", "show").out().lines().skip(1).toList()));
        assertThat(shown.path("limits").path("maxSteps").asInt()).isEqualTo(400);

        runtime.destroy();
        assertThat(runtime.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(runtime.exitValue()).isEqualTo(143);
        assertThat(fx.agent("audit", "verify", "live").exit()).isZero();
    }

    @Test
    void aBrokenFileIsRejectedOnceAndTheFixedFileIsPickedUpByItself() throws Exception {
        CliFixture.Outcome detached = fx.agent("run", "List forever", "--run-id", "live", "--detach");
        assertThat(detached.exit()).as(detached.err()).isZero();
        awaitToolResults(1);
        String v0 = status().path("version").asText();

        Files.writeString(policyFile, "limits: {maxSteps: [unclosed\n");
        await("the broken file to be rejected", () -> !status().path("ok").asBoolean(true));
        // What the runtime writes beside the file (its status, a reload asked by hand) does not make it try the file again.
        CliFixture.Outcome byHand = fx.agent("policies", "reload");
        assertThat(byHand.exit()).isEqualTo(1);
        Files.writeString(policyFile.resolveSibling("notes.txt"), "written beside the policy\n");

        Files.writeString(policyFile, "limits: {maxSteps: 400}\n");
        await("the fixed file to be picked up", () -> status().path("ok").asBoolean() && !status().path("version").asText().equals(v0));
        assertThat(status().path("trigger").asText()).isEqualTo("file changed");
        String log = fx.out("runtime");
        assertThat(log.split("policy rejected \\(file changed\\)", -1)).hasSize(2); // exactly one rejection for the one broken change
        assertThat(log).contains("policy rejected (SIGHUP)").contains("policy reloaded (file changed)");
        // The run's audit: one rejection by the watcher, one by hand, one acceptance.
        assertThat(events("policy_reloaded")).hasSize(3);

        CliFixture.Outcome same = fx.agent("policies", "reload");
        assertThat(same.exit()).as(same.err()).isZero();
        assertThat(same.out()).contains("(unchanged)");
    }

    @Test
    void reloadWithoutARuntimeSaysSo() throws Exception {
        runtime.destroy();
        runtime.waitFor(30, TimeUnit.SECONDS);
        CliFixture.Outcome reload = fx.agent("policies", "reload");
        assertThat(reload.exit()).isEqualTo(1);
        assertThat(reload.err()).contains("no main runtime is running");
    }

    private JsonNode status() throws IOException {
        return Json.parse(Files.readString(fx.state.resolve("policies/status.json")));
    }

    private List<JsonNode> events(String type) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        Path log = fx.state.resolve("audit/run-live.jsonl");
        if (!Files.exists(log)) {
            return events;
        }
        for (String line : Files.readAllLines(log)) {
            JsonNode event = Json.parse(line);
            if (event.path("type").asText().equals(type)) {
                events.add(event);
            }
        }
        return events;
    }

    private List<JsonNode> toolResults() throws IOException {
        return events("tool_result");
    }

    private long deniedUnder(String version) throws IOException {
        return events("policy_denied").stream().filter(e -> e.path("data").path("policy").asText().equals(version)).count();
    }

    private long toolCallsUnder(String version) throws IOException {
        return events("tool_call").stream().filter(e -> e.path("data").path("policy").asText().equals(version)).count();
    }

    private boolean lastResultOk() throws IOException {
        List<JsonNode> results = toolResults();
        return !results.isEmpty() && results.get(results.size() - 1).path("data").path("ok").asBoolean();
    }

    private void awaitToolResults(int n) throws Exception {
        await(n + " tool results", () -> toolResults().size() >= n);
    }

    private void await(String what, Await.Check check) throws Exception {
        fx.await(what, () -> {
            assertThat(runtime.isAlive()).as("the main runtime died while waiting for " + what + ": " + fx.err("runtime")).isTrue();
            return check.holds();
        });
    }

}
