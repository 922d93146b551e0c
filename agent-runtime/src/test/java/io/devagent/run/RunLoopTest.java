package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.audit.AuditVerifier;
import io.devagent.checkpoint.Snapshot;
import io.devagent.model.ModelUnavailableException;
import io.devagent.policy.Policy;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static io.devagent.run.RunFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs driven end to end by a scripted OpenAI-compatible server over real HTTP. */
@ExtendWith(RunFixtureExtension.class)
class RunLoopTest {

    RunFixture fx;

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        this.fx = fx;
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\nA tiny repo for tests.\n");
        Files.createDirectories(fx.workspace.resolve("src"));
        Files.writeString(fx.workspace.resolve("src/App.java"), "class App { // TODO: greet\n}\n");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(strings = {"false", "true"})
    void readsSearchesWritesAndRunsShellToAFinalAnswer(String stream) throws Exception {
        fx.vars.put("LLM_STREAM", stream);
        fx.server.script(
                Reply.toolCall("list_files", "{\"path\":\".\"}"),
                Reply.toolCall("read_file", "{\"path\":\"README.md\"}"),
                Reply.toolCall("search_files", "{\"pattern\":\"TODO\"}"),
                Reply.toolCalls(call("write_file", "{\"path\":\"docs/SUMMARY.md\",\"content\":\"A tiny repo.\\n\"}"),
                        call("update_plan", "{\"plan\":\"1. read [done] 2. summarize\"}")),
                Reply.toolCall("run_shell", "{\"command\":\"wc -l < docs/SUMMARY.md > lines.txt; cat lines.txt\"}"),
                Reply.text("The repo is a tiny demo with one TODO in src/App.java."));

        RunResult result = fx.start("Summarize repo");

        assertThat(result.status()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(result.answer()).isEqualTo("The repo is a tiny demo with one TODO in src/App.java.");
        assertThat(result.steps()).isEqualTo(6);
        assertThat(Files.readString(fx.workspace.resolve("docs/SUMMARY.md"))).isEqualTo("A tiny repo.\n");
        assertThat(Files.readString(fx.workspace.resolve("lines.txt")).trim()).isEqualTo("1");

        // What each tool returned reached the model as a tool message.
        List<JsonNode> requests = fx.server.requests();
        assertThat(requests).hasSize(6);
        assertThat(toolMessage(requests.get(1), 0)).contains("README.md").contains("src/");
        assertThat(toolMessage(requests.get(2), 0)).contains("# Demo");
        assertThat(toolMessage(requests.get(3), 0)).contains("src/App.java:1:");
        assertThat(toolMessage(requests.get(5), 0)).contains("exit code: 0").contains("1");
        // Tools are offered natively, with update_plan for planning inside the loop.
        List<String> offered = StreamSupport.stream(requests.get(0).path("tools").spliterator(), false)
                .map(t -> t.path("function").path("name").asText()).toList();
        assertThat(offered).containsExactly("list_files", "read_file", "search_files", "write_file", "edit_file", "run_shell", "http_fetch", "update_plan");

        Snapshot snapshot = fx.snapshot(result.runId());
        assertThat(snapshot.status()).isEqualTo("succeeded");
        assertThat(snapshot.currentStep()).isEqualTo(6);
        assertThat(snapshot.goal()).isEqualTo("Summarize repo");
        assertThat(snapshot.plan()).isEqualTo("1. read [done] 2. summarize");
        assertThat(snapshot.updatedAt()).isNotBlank();
        assertThat(snapshot.answer()).isEqualTo(result.answer());

        // Tokens are the sum of what the server reported in each reply's usage.
        long audited = fx.audit(result.runId()).stream().filter(e -> e.path("type").asText().equals("model_response"))
                .mapToLong(e -> e.path("data").path("usage").path("total").asLong()).sum();
        assertThat(audited).isPositive().isEqualTo(result.tokens().total()).isEqualTo(snapshot.tokens().total());

        AuditVerifier.Result verified = fx.view().verifyAudit(result.runId());
        assertThat(verified.ok()).isTrue();
        assertThat(fx.auditTypes(result.runId())).startsWith("run_started", "model_request", "model_response", "tool_call", "tool_result", "review", "checkpoint")
                .endsWith("run_finished").doesNotContain("error");

        JsonNode metrics = fx.view().metrics();
        for (String tool : List.of("list_files", "read_file", "search_files", "write_file", "run_shell", "update_plan")) {
            JsonNode t = metrics.path("tools").path(tool);
            assertThat(t.path("count").asLong()).as(tool).isEqualTo(1);
            assertThat(t.path("p95_ms").asDouble()).as(tool).isGreaterThanOrEqualTo(t.path("p50_ms").asDouble());
            assertThat(t.path("max_ms").asDouble()).as(tool).isGreaterThanOrEqualTo(t.path("p95_ms").asDouble());
        }
        assertThat(metrics.path("tokens").path("runs").path(result.runId()).path("total").asLong()).isEqualTo(result.tokens().total());
        assertThat(metrics.path("tokens").path("overall").path("total").asLong()).isEqualTo(result.tokens().total());
    }

    @Test
    void garbageRepliesAndServerErrorsDoNotStopTheRun() throws Exception {
        fx.server.script(
                Reply.status(429, "0"),
                Reply.status(500, null),
                Reply.raw("application/json", "this is not json {"),
                Reply.drop(),
                Reply.toolCall("read_file", "{\"path\":\"README.md\"}"),
                Reply.text("done"));
        fx.vars.put("LLM_MODEL", "scripted-model");

        RunResult result = fx.start("Read the readme");

        assertThat(result.status()).isEqualTo("succeeded");
        assertThat(result.answer()).isEqualTo("done");
        // 429 and 500 were retried inside one step; the garbage reply became a step with an error for the model.
        assertThat(result.steps()).isEqualTo(3);
        JsonNode afterGarbage = fx.server.requests().get(3).path("messages");
        assertThat(afterGarbage.get(afterGarbage.size() - 1).path("content").asText()).contains("could not be read").contains("not valid JSON");
        assertThat(fx.auditTypes(result.runId())).contains("error");
        assertThat(fx.view().metrics().path("errors").path("malformed_reply").asLong()).isEqualTo(1);
        assertThat(fx.view().verifyAudit(result.runId()).ok()).isTrue();
    }

    @Test
    void brokenMissingAndUnknownToolCallsAnswerTheModelWithErrors() throws Exception {
        fx.server.script(
                Reply.toolCall("read_file", "{\"path\": "),
                Reply.toolCall("read_file", "{}"),
                Reply.toolCall("read_file", "{\"path\": 42}"),
                Reply.toolCall("delete_everything", "{}"),
                Reply.text("gave up politely"));

        RunResult result = fx.start("Try things");

        assertThat(result.status()).isEqualTo("succeeded");
        List<JsonNode> requests = fx.server.requests();
        assertThat(toolMessage(requests.get(1), 0)).startsWith("error:").contains("not valid JSON");
        assertThat(toolMessage(requests.get(2), 0)).startsWith("error:").contains("missing required argument 'path'");
        assertThat(toolMessage(requests.get(3), 0)).startsWith("error:").contains("must be a string");
        assertThat(toolMessage(requests.get(4), 0)).startsWith("error:").contains("no tool named 'delete_everything'").contains("read_file");
        JsonNode errors = fx.view().metrics().path("errors");
        assertThat(errors.path("bad_arguments").asLong()).isEqualTo(3);
        assertThat(errors.path("unknown_tool").asLong()).isEqualTo(1);
    }

    @Test
    void pathsThatEscapeTheWorkspaceAreRefusedAndAudited() throws Exception {
        Path outside = Files.writeString(fx.root.resolve("secret.txt"), "outside secret");
        Files.createSymbolicLink(fx.workspace.resolve("link"), outside);
        Files.createSymbolicLink(fx.workspace.resolve("linkdir"), fx.root);
        fx.server.script(
                Reply.toolCall("read_file", "{\"path\":\"../secret.txt\"}"),
                Reply.toolCall("read_file", "{\"path\":\"" + outside + "\"}"),
                Reply.toolCall("read_file", "{\"path\":\"link\"}"),
                Reply.toolCall("write_file", "{\"path\":\"linkdir/pwned.txt\",\"content\":\"x\"}"),
                Reply.toolCall("write_file", "{\"path\":\"../pwned.txt\",\"content\":\"x\"}"),
                Reply.text("could not escape"));

        RunResult result = fx.start("Escape");

        assertThat(result.status()).isEqualTo("succeeded");
        for (int i = 1; i <= 5; i++) {
            assertThat(toolMessage(fx.server.requests().get(i), 0)).as("call %d", i).startsWith("error: refused").doesNotContain("outside secret");
        }
        assertThat(fx.root.resolve("pwned.txt")).doesNotExist();
        assertThat(fx.auditTypes(result.runId()).stream().filter("policy_denied"::equals)).hasSize(5);
        assertThat(Files.readString(fx.stateDir.resolve("audit/run-" + result.runId() + ".jsonl"))).doesNotContain("outside secret");
    }

    @Test
    void textConventionToolCallsWorkForModelsWithoutNativeTools() throws Exception {
        fx.server.script(
                Reply.content("Let me look.\n<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"README.md\"}}</tool_call>"),
                Reply.content("<tool_call>{\"name\": \"write_file\", \"arguments\": \"{\\\"path\\\": \\\"out.txt\\\", \\\"content\\\": \\\"hi\\\"}\"}"),
                Reply.text("Wrote out.txt."));

        RunResult result = fx.start("Copy");

        assertThat(result.answer()).isEqualTo("Wrote out.txt.");
        assertThat(Files.readString(fx.workspace.resolve("out.txt"))).isEqualTo("hi");
        JsonNode second = fx.server.requests().get(1).path("messages");
        JsonNode resultMessage = second.get(second.size() - 1);
        assertThat(resultMessage.path("role").asText()).isEqualTo("user");
        assertThat(resultMessage.path("content").asText()).startsWith("<tool_result name=\"read_file\"").contains("# Demo");
    }

    @Test
    void serversThatRejectNativeToolsFallBackToTheTextConvention() throws Exception {
        fx.server.script(
                Reply.error(400, "{\"error\":{\"code\":400,\"message\":\"tools param requires --jinja flag\",\"type\":\"invalid_request_error\"}}"),
                Reply.content("<tool_call>{\"name\": \"list_files\", \"arguments\": {\"path\": \".\"}}</tool_call>"),
                Reply.text("listed"));

        RunResult result = fx.start("List");

        assertThat(result.answer()).isEqualTo("listed");
        List<JsonNode> requests = fx.server.requests();
        assertThat(requests.get(0).has("tools")).isTrue();
        assertThat(requests.get(1).has("tools")).isFalse();
        assertThat(requests.get(1).path("messages").get(0).path("content").asText()).contains("<tool_call>");
    }

    @Test
    void unreachableModelFailsBeforeARunIsCreated() throws Exception {
        fx.server.close();
        assertThatThrownBy(() -> fx.start("Summarize repo"))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("cannot reach the model at " + fx.server.baseUrl())
                .hasMessageNotContaining("\n");
        assertThat(fx.view().runs()).isEmpty();
    }

    @Test
    void modelLostMidRunPausesAndResumeFinishesWithoutRepeatingSteps() throws Exception {
        fx.vars.put("LLM_MODEL", "scripted-model");
        fx.server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(
                Reply.toolCall("run_shell", "{\"command\":\"echo one >> count.txt\"}"),
                Reply.toolCall("run_shell", "{\"command\":\"echo two >> count.txt\"}"),
                Reply.firstThen(4, Reply.status(503, "0"), Reply.toolCall("run_shell", "{\"command\":\"echo three >> count.txt\"}")),
                Reply.text("counted to three"));

        RunResult paused = fx.start("Count");

        assertThat(paused.status()).isEqualTo("paused");
        assertThat(paused.modelUnavailable()).isTrue();
        assertThat(paused.steps()).isEqualTo(2);
        assertThat(fx.snapshot(paused.runId()).status()).isEqualTo("paused");
        assertThat(fx.snapshot(paused.runId()).currentStep()).isEqualTo(2);

        RunResult resumed = fx.agent().resume(paused.runId(), new RunControl(), RunListener.NONE);

        assertThat(resumed.status()).isEqualTo("succeeded");
        assertThat(resumed.answer()).isEqualTo("counted to three");
        assertThat(resumed.steps()).isEqualTo(4);
        assertThat(Files.readAllLines(fx.workspace.resolve("count.txt"))).containsExactly("one", "two", "three");
        assertThat(fx.auditTypes(paused.runId())).contains("run_paused", "run_resumed");
        assertThat(fx.view().verifyAudit(paused.runId()).ok()).isTrue();
        assertThatThrownBy(() -> fx.agent().resume(paused.runId(), new RunControl(), RunListener.NONE))
                .isInstanceOf(RunException.class).hasMessageContaining("already finished");
    }

    @Test
    void stepAndTokenLimitsEndTheRunCleanly() throws Exception {
        fx.policy = Policy.defaults().withLimits(new Policy.Limits(2, null, null));
        fx.server.whenExhausted(Reply.toolCall("list_files", "{\"path\":\".\"}"));

        RunResult result = fx.start("Loop forever");

        assertThat(result.status()).isEqualTo("failed");
        assertThat(result.message()).contains("step limit").contains("maxSteps = 2");
        assertThat(fx.server.chatRequestCount()).isEqualTo(2);
        assertThat(fx.snapshot(result.runId()).status()).isEqualTo("failed");

        fx.policy = Policy.defaults().withLimits(new Policy.Limits(null, 10L, null));
        RunResult tokens = fx.start("Loop forever");
        assertThat(tokens.status()).isEqualTo("failed");
        assertThat(tokens.message()).contains("token limit");
    }

    @Test
    void aRunCannotBeResumedWhileItsOwnerHoldsIt() throws Exception {
        fx.server.script(Reply.delayed(400, Reply.text("slow answer")));
        Agent agent = fx.agent();
        List<Throwable> failures = new ArrayList<>();
        Thread owner = Thread.ofVirtual().start(() -> {
            try {
                agent.start("slow", java.util.Optional.of("race-1"), new RunControl(), RunListener.NONE);
            } catch (Exception e) {
                failures.add(e);
            }
        });
        fx.server.awaitChatRequests(1, java.time.Duration.ofSeconds(5));
        assertThatThrownBy(() -> fx.agent().resume("race-1", new RunControl(), RunListener.NONE))
                .isInstanceOf(RunException.class).hasMessageContaining("already being run by process");
        owner.join();
        assertThat(failures).isEmpty();
    }

    @Test
    void aPauseRequestDuringTheModelRequestCheckpointsThePausedRun() throws Exception {
        fx.vars.put("LLM_MODEL", "scripted-model");
        fx.server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(
                Reply.toolCall("list_files", "{\"path\":\".\"}"),
                Reply.firstThen(1, Reply.delayed(30_000, Reply.text("too late")), Reply.text("resumed answer")));
        RunControl control = new RunControl();
        RunResult[] holder = new RunResult[1];
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                holder[0] = fx.agent().start("pause me", java.util.Optional.of("pause-1"), control, RunListener.NONE);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        fx.server.awaitChatRequests(2, java.time.Duration.ofSeconds(10));
        control.requestPause("paused by test");
        runner.join(10_000);

        assertThat(holder[0].status()).isEqualTo("paused");
        assertThat(holder[0].steps()).isEqualTo(1);
        assertThat(fx.snapshot("pause-1").status()).isEqualTo("paused");

        RunResult resumed = fx.agent().resume("pause-1", new RunControl(), RunListener.NONE);
        assertThat(resumed.answer()).isEqualTo("resumed answer");
        assertThat(resumed.steps()).isEqualTo(2);
    }

    private static String toolMessage(JsonNode request, int fromEnd) {
        JsonNode messages = request.path("messages");
        JsonNode message = messages.get(messages.size() - 1 - fromEnd);
        assertThat(message.path("role").asText()).isEqualTo("tool");
        return message.path("content").asText();
    }
}
