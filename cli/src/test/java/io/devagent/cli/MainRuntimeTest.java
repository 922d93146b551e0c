package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.state.PidFile;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main runtime ({@code agent run} with no goal) as a real child process, and goals handed to it
 * by {@code agent run "GOAL"} and {@code agent checkpoints resume ID} run in-process.
 */
@ExtendWith(CliHarness.class)
class MainRuntimeTest {

    private static final Duration DEADLINE = CliFixture.DEADLINE;

    ScriptedModelServer server;
    CliFixture fx;
    /** Followers run on their own threads: the common pool may have a single one. */
    final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        fx.vars.put("LLM_MODEL", "scripted-model");
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\n");
    }

    @AfterEach
    void tearDown() {
        clients.shutdownNow();
    }

    @Test
    void aGoalIsHandedToTheMainRuntimeAndFollowedToItsAnswer() throws Exception {
        server.script(Reply.toolCall("read_file", "{\"path\":\"README.md\"}"), Reply.text("A demo repository."))
                .whenExhausted(Reply.text("Done."));
        Process runtime = fx.startRuntime();

        CliFixture.Outcome run = fx.agent("run", "Summarize repo");

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines.get(0)).matches("run_id: \\d{8}-\\d{6}-[0-9a-f]{6}");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("A demo repository.");
        assertThat(run.err()).contains("handed to the main runtime (pid " + runtime.pid() + ")").contains("read_file README.md");
        String runId = lines.get(0).substring("run_id: ".length());
        assertThat(fx.out("runtime"))
                .contains("run " + runId + " started: \"Summarize repo\"")
                .contains("run " + runId + " succeeded after 2 step(s)");
        JsonNode snapshot = Json.parse(fx.agent("checkpoints", "show", runId).out());
        assertThat(snapshot.path("status").asText()).isEqualTo("succeeded");

        CliFixture.Outcome json = fx.agent("run", "Say done; the key is sk-abcdefghijklmnopqrstuvwx", "--json", "--run-id", "json-1");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.outLines()).hasSize(1);
        JsonNode result = Json.parse(json.out());
        assertThat(result.path("run_id").asText()).isEqualTo("json-1");
        assertThat(result.path("status").asText()).isEqualTo("succeeded");
        assertThat(result.path("answer").asText()).isEqualTo("Done.");
        assertThat(result.path("steps").asInt()).isEqualTo(1);
        assertThat(result.path("tokens").asLong()).isPositive();
        assertThat(json.err()).isEmpty();
        // The runtime's log (docker logs) never shows a secret, even one typed into a goal.
        assertThat(fx.out("runtime")).contains("run json-1 started: \"Say done; the key is [REDACTED]\"")
                .doesNotContain("sk-abcdefghijklmnopqrstuvwx");

        // A goal meant for another workspace is refused, not run on the runtime's.
        Path elsewhere = Files.createDirectories(fx.root.resolve("elsewhere"));
        CliFixture.Outcome refused = fx.agent("run", "Summarize repo", "--workspace", elsewhere.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("works on " + fx.workspace.toRealPath()).contains(elsewhere.toRealPath().toString());
        assertThat(runtime.isAlive()).isTrue();
    }

    @Test
    void detachReturnsAtOnceAndTheRunFinishesInTheRuntime() throws Exception {
        CountDownLatch release = replyOnRelease("finished later");
        Process runtime = fx.startRuntime();

        CliFixture.Outcome detached = fx.agent("run", "Slow goal", "--detach");

        assertThat(detached.exit()).as(detached.err()).isZero();
        assertThat(detached.outLines()).hasSize(1);
        assertThat(detached.outLines().get(0)).startsWith("run_id: ");
        String runId = detached.outLines().get(0).substring("run_id: ".length());
        assertThat(detached.err()).contains("agent checkpoints show " + runId);
        // The run is the runtime's: its snapshot names the runtime's pid while the model is held back.
        awaitRequests(1);
        JsonNode running = snapshot(runId);
        assertThat(running.path("status").asText()).isEqualTo("running");
        assertThat(running.path("pid").asLong()).isEqualTo(runtime.pid());

        release.countDown();
        await("run " + runId + " to succeed in the runtime", () -> "succeeded".equals(snapshot(runId).path("status").asText()));
        assertThat(snapshot(runId).path("answer").asText()).isEqualTo("finished later");

        CliFixture.Outcome json = fx.agent("run", "Another goal", "--detach", "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode handle = Json.parse(json.out());
        assertThat(handle.path("status").asText()).isEqualTo("running");
        String second = handle.path("run_id").asText();
        await("run " + second + " to succeed", () -> "succeeded".equals(snapshot(second).path("status").asText()));
        // The runtime logs the end right after the final checkpoint.
        await("the runtime to log the end of " + second, () -> fx.out("runtime").contains("run " + second + " succeeded"));
    }

    @Test
    void twoGoalsAtOnceBothFinish() throws Exception {
        // Each reply waits until both runs have asked the model: only concurrent runs answer "together".
        CountDownLatch bothAsked = new CountDownLatch(2);
        server.whenExhausted((exchange, request) -> {
            bothAsked.countDown();
            boolean together;
            try {
                together = bothAsked.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Reply.text(together ? "together" : "alone").serve(exchange, request);
        });
        fx.startRuntime();

        CompletableFuture<CliFixture.Outcome> first = CompletableFuture.supplyAsync(() -> fx.agent("run", "Goal A", "--run-id", "goal-a"), clients);
        CompletableFuture<CliFixture.Outcome> second = CompletableFuture.supplyAsync(() -> fx.agent("run", "Goal B", "--run-id", "goal-b"), clients);

        for (var outcome : List.of(first.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), second.get(DEADLINE.toSeconds(), TimeUnit.SECONDS))) {
            assertThat(outcome.exit()).as(outcome.err()).isZero();
            assertThat(outcome.outLines()).last().isEqualTo("together");
        }
        assertThat(first.get().outLines().get(0)).isEqualTo("run_id: goal-a");
        assertThat(second.get().outLines().get(0)).isEqualTo("run_id: goal-b");
        assertThat(fx.out("runtime")).contains("run goal-a succeeded").contains("run goal-b succeeded");
    }

    @Test
    void sigtermPausesTheRunInFlightAndALocalResumeFinishesIt() throws Exception {
        Process runtime = fx.startRuntime();
        CliFixture.Outcome follower = pauseBySigterm(runtime, "term-1");

        assertThat(follower.exit()).isEqualTo(143);
        assertThat(follower.outLines().get(0)).isEqualTo("run_id: term-1");
        assertThat(follower.err()).contains("paused at step 0").contains("agent checkpoints resume term-1");
        assertThat(fx.out("runtime")).contains("run term-1 paused at step 0").contains("main runtime stopped");

        CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "term-1");

        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.outLines()).containsExactly("run_id: term-1", "resumed answer");
        assertThat(resumed.err()).doesNotContain("main runtime");
        assertThat(snapshot("term-1").path("status").asText()).isEqualTo("succeeded");
        assertThat(fx.agent("audit", "verify", "term-1").exit()).isZero();
    }

    @Test
    void resumeIsHandedToAMainRuntimeWhenOneIsAlive() throws Exception {
        fx.vars.put("AGENT_AUTO_RESUME", "false"); // else the second runtime resumes the run by itself (SelfHealingTest)
        CliFixture.Outcome follower = pauseBySigterm(fx.startRuntime("first"), "term-2");
        assertThat(follower.exit()).isEqualTo(143);
        Process second = fx.startRuntime("second");

        CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "term-2", "--json");

        assertThat(resumed.exit()).as(resumed.err()).isZero();
        JsonNode result = Json.parse(resumed.out());
        assertThat(result.path("status").asText()).isEqualTo("succeeded");
        assertThat(result.path("answer").asText()).isEqualTo("resumed answer");
        assertThat(fx.out("second")).contains("run term-2 resumed").contains("run term-2 succeeded");

        second.destroy();
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isEqualTo(143);
        assertThat(fx.state.resolve("agent.pid")).doesNotExist();
    }

    @Test
    void stoppingTheFollowerLeavesTheRunGoingInTheRuntime() throws Exception {
        CountDownLatch release = replyOnRelease("finished without a follower");
        fx.startRuntime();
        Process follower = fx.spawnNamed("follower", "run", "Slow goal", "--run-id", "left-1");
        awaitRequests(1);
        await("the follower to print the run id", () -> fx.out("follower").startsWith("run_id: left-1"));

        follower.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the follower stops, the run does not

        assertThat(follower.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(follower.exitValue()).isEqualTo(143);
        assertThat(fx.out("follower")).startsWith("run_id: left-1");
        assertThat(fx.err("follower")).contains("stopped following run left-1; it goes on in the main runtime")
                .contains("follow it again with: agent logs left-1 --follow");
        assertThat(snapshot("left-1").path("status").asText()).isEqualTo("running");
        release.countDown();
        await("run left-1 to succeed in the runtime", () -> "succeeded".equals(snapshot("left-1").path("status").asText()));
        assertThat(snapshot("left-1").path("answer").asText()).isEqualTo("finished without a follower");
    }

    @Test
    void aFollowerThatLosesTheRuntimeSaysWhereTheRunIs() throws Exception {
        server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .script(Reply.firstThen(1, Reply.delayed(120_000, Reply.text("never seen")), Reply.text("resumed answer")));
        Process runtime = fx.startRuntime();
        CompletableFuture<CliFixture.Outcome> follower = CompletableFuture.supplyAsync(() -> fx.agent("run", "Slow goal", "--run-id", "lost-1"), clients);
        awaitRequests(1);

        runtime.destroyForcibly(); // SIGKILL: no clean stop, agent.pid is left behind
        assertThat(runtime.waitFor(30, TimeUnit.SECONDS)).isTrue();
        CliFixture.Outcome lost = follower.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        assertThat(lost.exit()).isEqualTo(1);
        assertThat(lost.err()).contains("lost the connection to the main runtime").contains("agent checkpoints show lost-1");
        assertThat(fx.state.resolve("agent.pid")).exists();
        // The pid file is stale now: resume runs here, and finishes the run.
        CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "lost-1");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.err()).doesNotContain("warning");
        assertThat(resumed.outLines()).containsExactly("run_id: lost-1", "resumed answer");
    }

    @Test
    void aStalePidFileIsDetectedAndReplaced() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Files.createDirectories(fx.state);
        Files.writeString(fx.state.resolve("agent.pid"), gone.pid() + "\n" + Instant.now() + "\n");
        Files.writeString(fx.state.resolve("agent.sock"), "left by a crash");
        server.script(Reply.text("ran here"), Reply.text("ran in the runtime"));

        CliFixture.Outcome local = fx.agent("run", "Summarize repo");

        assertThat(local.exit()).as(local.err()).isZero();
        assertThat(local.outLines()).last().isEqualTo("ran here");
        assertThat(local.err()).doesNotContain("main runtime").doesNotContain("warning");

        Process runtime = fx.startRuntime();
        assertThat(fx.out("runtime")).contains("replaced a stale agent.pid (pid " + gone.pid());
        CliFixture.Outcome handed = fx.agent("run", "Summarize repo");
        assertThat(handed.exit()).as(handed.err()).isZero();
        assertThat(handed.err()).contains("handed to the main runtime (pid " + runtime.pid() + ")");
        assertThat(handed.outLines()).last().isEqualTo("ran in the runtime");
    }

    @Test
    void aPidFileNamingAnotherLiveProcessIsStale() throws Exception {
        // The pid is alive (this JVM) but started long before the time the file records: a reused pid.
        PidFile.Owner self = PidFile.Owner.current();
        Files.createDirectories(fx.state);
        PidFile.write(fx.state.resolve("agent.pid"), new PidFile.Owner(self.pid(), self.started().minus(Duration.ofDays(1))));
        server.script(Reply.text("ran here"));

        CliFixture.Outcome local = fx.agent("run", "Summarize repo");

        assertThat(local.exit()).as(local.err()).isZero();
        assertThat(local.outLines()).last().isEqualTo("ran here");
        assertThat(local.err()).doesNotContain("main runtime").doesNotContain("warning");
    }

    @Test
    void aSecondMainRuntimeForTheSameStateDirIsRefused() throws Exception {
        Process first = fx.startRuntime("first");

        Process second = fx.spawnNamed("second", "run");
        assertThat(second.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(second.exitValue()).isEqualTo(2);
        assertThat(fx.err("second")).contains("a main runtime (pid " + first.pid() + ") is already running for " + fx.state);
        assertThat(PidFile.read(fx.state.resolve("agent.pid")).map(PidFile.Owner::pid)).contains(first.pid());
        assertThat(first.isAlive()).isTrue();
    }

    @Test
    void detachNeedsAMainRuntime() {
        CliFixture.Outcome run = fx.agent("run", "Summarize repo", "--detach");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--detach").contains("none is running for " + fx.state);
        assertThat(server.chatRequestCount()).isZero();
    }

    @Test
    void optionsOfAGoalWithoutAGoalAreBadUsage() {
        CliFixture.Outcome run = fx.agent("run", "--detach");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("go with a GOAL");
    }

    /** Holds every model reply back until the returned latch is released; then the reply is {@code text}. */
    private CountDownLatch replyOnRelease(String text) {
        CountDownLatch release = new CountDownLatch(1);
        server.whenExhausted((exchange, request) -> {
            try {
                release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Reply.text(text).serve(exchange, request);
        });
        return release;
    }

    /** Hands a goal whose model reply never comes, SIGTERMs the runtime, and returns what the follower saw. */
    private CliFixture.Outcome pauseBySigterm(Process runtime, String runId) throws Exception {
        server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .script(Reply.firstThen(1, Reply.delayed(120_000, Reply.text("never seen")), Reply.text("resumed answer")));
        CompletableFuture<CliFixture.Outcome> follower = CompletableFuture.supplyAsync(() -> fx.agent("run", "Slow goal", "--run-id", runId), clients);
        awaitRequests(1);

        runtime.destroy(); // SIGTERM while the run waits on the model

        assertThat(runtime.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(runtime.exitValue()).isEqualTo(143);
        assertThat(fx.state.resolve("agent.pid")).doesNotExist();
        assertThat(fx.state.resolve("agent.sock")).doesNotExist();
        JsonNode paused = snapshot(runId);
        assertThat(paused.path("status").asText()).isEqualTo("paused");
        assertThat(paused.path("message").asText()).contains("main runtime stopped");
        return follower.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private JsonNode snapshot(String runId) throws Exception {
        CliFixture.Outcome show = fx.agent("checkpoints", "show", runId);
        return show.exit() == 0 ? Json.parse(show.out()) : Json.object();
    }

    private void awaitRequests(int n) throws Exception {
        server.awaitChatRequests(n, DEADLINE);
    }

    private void await(String what, io.devagent.testkit.Await.Check check) throws Exception {
        fx.await(what, check);
    }
}
