package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main runtime as a real child process: runs interrupted by SIGKILL or by its shutdown resume by
 * themselves at its next start, runs a person paused stay put, and one run among several can be
 * paused or cancelled through the runtime, through its own process, or on its checkpoint.
 */
@ExtendWith(CliHarness.class)
class SelfHealingTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    ScriptedModelServer server;
    CliFixture fx;
    /** A run whose goal names a held gate waits for the model until the gate opens. */
    final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        server.whenExhausted((exchange, request) -> {
            String goal = goalOf(request);
            CountDownLatch gate = gates.get(goal);
            if (gate != null) {
                try {
                    gate.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Reply.text("done: " + goal).serve(exchange, request);
        });
        fx.vars.put("LLM_MODEL", "scripted-model");
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\n");
    }

    @AfterEach
    void tearDown() {
        gates.values().forEach(CountDownLatch::countDown);
    }

    @Test
    void runsKilledWithTheRuntimeResumeByThemselvesWhileAPausedOneStaysPut() throws Exception {
        Process first = fx.startRuntime("first");
        for (String id : List.of("heal-a", "heal-b", "heal-c")) {
            hold(id);
            detach(id);
        }
        server.awaitChatRequests(3, DEADLINE);

        CliFixture.Outcome pause = fx.agent("checkpoints", "pause", "heal-c", "--reason", "look at it first");
        assertThat(pause.exit()).as(pause.err()).isZero();
        assertThat(pause.out()).contains("run heal-c paused (through the main runtime (pid " + first.pid() + "))");
        assertThat(fx.snapshot("heal-c").path("paused_by").asText()).isEqualTo("person");

        first.destroyForcibly(); // SIGKILL: an OOM kill, a node reboot
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // Read from the run locks, not trusted from the snapshots: nobody runs a and b any more.
        assertThat(fx.status("heal-a")).isEqualTo("interrupted");
        assertThat(fx.status("heal-b")).isEqualTo("interrupted");
        assertThat(fx.status("heal-c")).isEqualTo("paused");
        CliFixture.Outcome list = fx.agent("checkpoints", "list", "--json");
        assertThat(Json.parse(list.out()).findValuesAsText("status")).containsExactlyInAnyOrder("interrupted", "interrupted", "paused");

        gates.values().forEach(CountDownLatch::countDown);
        fx.startRuntime("second");

        await("a and b to finish by themselves", () -> "succeeded".equals(fx.status("heal-a")) && "succeeded".equals(fx.status("heal-b")));
        assertThat(fx.snapshot("heal-a").path("answer").asText()).isEqualTo("done: Goal heal-a");
        assertThat(fx.out("second")).contains("run heal-a resumed by itself").contains("run heal-b resumed by itself")
                .doesNotContain("run heal-c resumed");
        assertThat(fx.status("heal-c")).isEqualTo("paused");
        assertThat(server.chatRequestCount()).isEqualTo(5); // a and b asked again once each; c never
        assertThat(fx.agent("audit", "verify", "heal-a").exit()).isZero();

        // A run nobody runs is cancelled on its checkpoint: final, on the audit chain.
        CliFixture.Outcome cancel = fx.agent("cancel", "heal-c", "--reason", "not needed");
        assertThat(cancel.exit()).as(cancel.err()).isZero();
        assertThat(cancel.out()).contains("run heal-c cancelled (through its checkpoint");
        assertThat(fx.snapshot("heal-c").path("message").asText()).isEqualTo("not needed");
        assertThat(Files.readString(fx.state.resolve("audit/run-heal-c.jsonl"))).contains("\"type\":\"run_cancelled\"");
        assertThat(fx.agent("audit", "verify", "heal-c").exit()).isZero();
        CliFixture.Outcome resume = fx.agent("checkpoints", "resume", "heal-c");
        assertThat(resume.exit()).isEqualTo(1);
        assertThat(resume.err()).contains("run heal-c has already been cancelled");
        CliFixture.Outcome again = fx.agent("cancel", "heal-c");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("error: run heal-c has already ended (cancelled)" + System.lineSeparator());
    }

    @Test
    void aRunPausedByTheRuntimesShutdownResumesByItselfAtTheNextStart() throws Exception {
        Process first = fx.startRuntime("first");
        hold("term-a");
        detach("term-a");
        server.awaitChatRequests(1, DEADLINE);

        first.destroy(); // SIGTERM: the runtime pauses its runs and exits
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        JsonNode paused = fx.snapshot("term-a");
        assertThat(paused.path("status").asText()).isEqualTo("paused");
        assertThat(paused.path("paused_by").asText()).isEqualTo("shutdown");

        gates.values().forEach(CountDownLatch::countDown);
        fx.startRuntime("second");

        await("term-a to finish by itself", () -> "succeeded".equals(fx.status("term-a")));
        assertThat(fx.out("second")).contains("paused by the main runtime's shutdown at step 0; resuming it");
        assertThat(fx.agent("audit", "verify", "term-a").exit()).isZero();
        assertThat(Files.readString(fx.state.resolve("audit/run-term-a.jsonl"))).contains("\"type\":\"run_resumed\"");
    }

    @Test
    void oneRunAmongSeveralIsPausedAndAnotherCancelledWhileTheThirdFinishes() throws Exception {
        fx.startRuntime("runtime");
        for (String id : List.of("many-a", "many-b", "many-c")) {
            hold(id);
            detach(id);
        }
        server.awaitChatRequests(3, DEADLINE);

        CliFixture.Outcome cancel = fx.agent("cancel", "many-a", "--reason", "wrong goal", "--json");
        assertThat(cancel.exit()).as(cancel.err()).isZero();
        assertThat(Json.parse(cancel.out()).path("status").asText()).isEqualTo("cancelled");
        assertThat(fx.agent("checkpoints", "pause", "many-b").exit()).isZero();
        assertThat(fx.status("many-c")).isEqualTo("running");

        gates.get("Goal many-c").countDown();
        await("many-c to finish", () -> "succeeded".equals(fx.status("many-c")));
        assertThat(fx.status("many-a")).isEqualTo("cancelled");
        assertThat(fx.status("many-b")).isEqualTo("paused");
        assertThat(Files.readString(fx.state.resolve("audit/run-many-a.jsonl"))).contains("\"type\":\"run_cancelled\"");
        assertThat(fx.agent("audit", "verify", "many-a").exit()).isZero();

        // The person's pause is undone by a person's resume.
        gates.get("Goal many-b").countDown();
        CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "many-b");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(fx.status("many-b")).isEqualTo("succeeded");
    }

    @Test
    void aRunInItsOwnProcessIsCancelledThroughThatProcess() throws Exception {
        hold("own-a");
        Process own = fx.spawnNamed("own", "run", "Goal own-a", "--run-id", "own-a");
        server.awaitChatRequests(1, DEADLINE);
        assertThat(fx.status("own-a")).isEqualTo("running");

        CliFixture.Outcome cancel = fx.agent("cancel", "own-a", "--reason", "changed my mind");

        assertThat(cancel.exit()).as(cancel.err()).isZero();
        assertThat(cancel.out()).contains("run own-a cancelled (through its own process (pid " + own.pid() + "))");
        assertThat(own.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(fx.err("own")).contains("run own-a cancelled at step 0: changed my mind");
        assertThat(fx.agent("audit", "verify", "own-a").exit()).isZero();
    }

    private void hold(String runId) {
        gates.put("Goal " + runId, new CountDownLatch(1));
    }

    private void detach(String runId) {
        CliFixture.Outcome run = fx.agent("run", "Goal " + runId, "--run-id", runId, "--detach");
        assertThat(run.exit()).as(run.err()).isZero();
    }

    private static String goalOf(JsonNode request) {
        for (JsonNode message : request.path("messages")) {
            if ("user".equals(message.path("role").asText())) {
                return message.path("content").asText();
            }
        }
        return "";
    }

    private void await(String what, io.devagent.testkit.Await.Check check) throws Exception {
        io.devagent.testkit.Await.until(what, fx.state, DEADLINE, check);
    }
}
