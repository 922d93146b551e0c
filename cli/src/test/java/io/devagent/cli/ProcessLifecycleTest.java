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

/** The CLI as a real process: killed with SIGKILL or paused with SIGTERM, then resumed. */
@ExtendWith(CliHarness.class)
class ProcessLifecycleTest {

    ScriptedModelServer server;
    CliFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx.vars.put("LLM_MODEL", "scripted-model");
        // Replies depend on the conversation, not on the request count, so the script survives a restart.
        server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(
                Reply.toolCall("run_shell", "{\"command\":\"echo one >> count.txt\"}"),
                Reply.toolCall("run_shell", "{\"command\":\"echo two >> count.txt\"}"),
                Reply.toolCall("write_file", "{\"path\":\"notes.md\",\"content\":\"counted\\n\"}"),
                Reply.firstThen(1, Reply.delayed(120_000, Reply.text("never seen")),
                        Reply.toolCall("run_shell", "{\"command\":\"echo three >> count.txt\"}")),
                Reply.text("counted to three"));
    }

    @Test
    void killedWithSigkillBetweenStepsThenResumedFinishesWithNoStepDoneTwice() throws Exception {
        Process agent = fx.spawn("run", "Count to three", "--run-id", "kill-1");
        awaitRequests(4);
        agent.destroyForcibly(); // SIGKILL while step 4 waits for the model
        assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).isEqualTo(137);

        // The snapshot still says running, but its owner is dead: readers show it interrupted.
        JsonNode stale = Json.parse(fx.agent("checkpoints", "show", "kill-1").out());
        assertThat(stale.path("status").asText()).isEqualTo("interrupted");
        assertThat(stale.path("current_step").asInt()).isEqualTo(3);

        CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "kill-1", "--json");

        assertThat(resumed.exit()).as(resumed.err()).isZero();
        JsonNode result = Json.parse(resumed.out());
        assertThat(result.path("status").asText()).isEqualTo("succeeded");
        assertThat(result.path("answer").asText()).isEqualTo("counted to three");
        assertThat(result.path("steps").asInt()).isEqualTo(5);
        assertThat(Files.readAllLines(fx.workspace.resolve("count.txt"))).containsExactly("one", "two", "three");
        assertThat(Files.readString(fx.workspace.resolve("notes.md"))).isEqualTo("counted\n");
        // Each committed step was asked once; only the model turn in flight was asked again.
        assertThat(server.requestsPerTurn()).containsExactly(1, 1, 1, 2, 1);
        assertThat(fx.agent("audit", "verify", "kill-1").exit()).isZero();
    }

    @Test
    void sigtermPausesTheRunWithExit143AndResumeFinishesIt() throws Exception {
        Process agent = fx.spawn("run", "Count to three", "--run-id", "term-1");
        awaitRequests(4);
        agent.destroy(); // SIGTERM
        assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(agent.exitValue()).isEqualTo(143);
        assertThat(fx.childOut()).startsWith("run_id: term-1");
        assertThat(fx.childErr()).contains("paused at step 3").contains("agent checkpoints resume term-1");
        JsonNode paused = Json.parse(fx.agent("checkpoints", "show", "term-1").out());
        assertThat(paused.path("status").asText()).isEqualTo("paused");
        assertThat(paused.path("current_step").asInt()).isEqualTo(3);

        CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "term-1");

        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.outLines()).containsExactly("run_id: term-1", "counted to three");
        assertThat(Files.readAllLines(fx.workspace.resolve("count.txt"))).containsExactly("one", "two", "three");
        List<String> types = fx.state.resolve("audit/run-term-1.jsonl").toFile().exists()
                ? Files.readAllLines(fx.state.resolve("audit/run-term-1.jsonl")).stream()
                        .map(l -> l.replaceAll(".*\"type\":\"([a-z_]+)\".*", "$1")).toList()
                : List.of();
        assertThat(types).contains("run_paused", "run_resumed").endsWith("run_finished");
        assertThat(fx.agent("audit", "verify", "term-1").exit()).isZero();
    }

    private void awaitRequests(int n) throws InterruptedException {
        server.awaitChatRequests(n, java.time.Duration.ofSeconds(60));
    }
}
