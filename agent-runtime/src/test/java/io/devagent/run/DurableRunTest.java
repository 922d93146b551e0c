package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.policy.Policy;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** Pause, resume, review and ownership of runs, in-process against the scripted model server. */
@ExtendWith(RunFixtureExtension.class)
class DurableRunTest {

    RunFixture fx;

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        this.fx = fx;
        fx.server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS);
        fx.vars.put("LLM_MODEL", "scripted-model");
    }

    @Test
    void theReviewerReportsAFileChangedBetweenPauseAndResume() throws Exception {
        fx.server.script(
                Reply.toolCall("write_file", "{\"path\":\"notes.md\",\"content\":\"mine\\n\"}"),
                Reply.firstThen(1, Reply.status(503, "0"), Reply.text("noted")));
        fx.vars.put("LLM_MAX_RETRIES", "0");
        RunResult paused = fx.start("Write notes");
        assertThat(paused.status()).isEqualTo("paused");

        Files.writeString(fx.workspace.resolve("notes.md"), "someone else's\n");
        RunResult resumed = fx.agent().resume(paused.runId(), new RunControl(), RunListener.NONE);

        assertThat(resumed.answer()).isEqualTo("noted");
        JsonNode messages = fx.lastRequestMessages();
        JsonNode note = messages.get(messages.size() - 1);
        assertThat(note.path("role").asText()).isEqualTo("user");
        assertThat(note.path("content").asText()).startsWith("Reviewer:").contains("notes.md").contains("changed outside the run");
        JsonNode review = fx.audit(paused.runId()).stream().filter(e -> e.path("type").asText().equals("review")
                && e.path("data").path("on_resume").asBoolean()).findFirst().orElseThrow();
        assertThat(review.path("data").path("ok").asBoolean()).isFalse();
        assertThat(review.path("data").path("files_checked").asInt()).isEqualTo(1);
    }

    @Test
    void anUnchangedWorkspacePassesReviewOnResume() throws Exception {
        fx.server.script(
                Reply.toolCall("write_file", "{\"path\":\"notes.md\",\"content\":\"mine\\n\"}"),
                Reply.firstThen(1, Reply.status(503, "0"), Reply.text("noted")));
        fx.vars.put("LLM_MAX_RETRIES", "0");
        RunResult paused = fx.start("Write notes");
        fx.agent().resume(paused.runId(), new RunControl(), RunListener.NONE);

        JsonNode messages = fx.lastRequestMessages();
        assertThat(messages.get(messages.size() - 1).path("role").asText()).isEqualTo("tool");
        assertThat(fx.audit(paused.runId()).stream().filter(e -> e.path("type").asText().equals("review")))
                .allMatch(e -> e.path("data").path("ok").asBoolean());
    }

    @Test
    void twoResumesRaceAndOnlyOneRuns() throws Exception {
        fx.server.script(
                Reply.toolCall("list_files", "{\"path\":\".\"}"),
                Reply.firstThen(1, Reply.status(503, "0"), Reply.delayed(500, Reply.text("finished once"))));
        fx.vars.put("LLM_MAX_RETRIES", "0");
        RunResult paused = fx.start("Race");
        assertThat(paused.status()).isEqualTo("paused");

        List<Object> outcomes = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        Runnable resume = () -> {
            try {
                go.await();
                outcomes.add(fx.agent().resume(paused.runId(), new RunControl(), RunListener.NONE));
            } catch (Exception e) {
                outcomes.add(e);
            }
        };
        Thread a = Thread.ofPlatform().start(resume);
        Thread b = Thread.ofPlatform().start(resume);
        go.countDown();
        a.join();
        b.join();

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes).filteredOn(o -> o instanceof RunResult r && r.answer().equals("finished once")).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof RunException e && e.getMessage().contains("already being run by process")
                || o instanceof RunException e2 && e2.getMessage().contains("already finished")).hasSize(1);
    }

    @Test
    void aRunStoppedByItsStepLimitResumesOnceTheLimitIsRaised() throws Exception {
        fx.server.script(
                Reply.toolCall("list_files", "{\"path\":\".\"}"),
                Reply.toolCall("list_files", "{\"path\":\".\"}"),
                Reply.text("made it"));
        fx.policy = Policy.defaults().withLimits(new Policy.Limits(2, null, null));
        RunResult stopped = fx.start("Three steps");
        assertThat(stopped.status()).isEqualTo("failed");

        fx.policy = Policy.defaults();
        RunResult resumed = fx.agent().resume(stopped.runId(), new RunControl(), RunListener.NONE);

        assertThat(resumed.status()).isEqualTo("succeeded");
        assertThat(resumed.steps()).isEqualTo(3);
        assertThat(fx.server.chatRequestCount()).isEqualTo(3);
    }

    @Test
    void withModelReviewTheModelIsAskedToApproveEachStep() throws Exception {
        fx.policy = new Policy(null, null, null, null, null, new Policy.Review(true), null);
        fx.server.selectBy(ScriptedModelServer.Selector.REQUEST_COUNT).script(
                Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\"}"),
                Reply.text("REJECT: the file name is meaningless"),
                Reply.text("renamed nothing, done"));

        RunResult result = fx.start("Write a file");

        assertThat(result.answer()).isEqualTo("renamed nothing, done");
        assertThat(fx.server.chatRequestCount()).isEqualTo(3);
        JsonNode reviewRequest = fx.server.requests().get(1).path("messages");
        assertThat(reviewRequest.get(reviewRequest.size() - 1).path("content").asText()).contains("APPROVE").contains("REJECT");
        JsonNode last = fx.lastRequestMessages();
        assertThat(last.get(last.size() - 1).path("content").asText()).contains("The model reviewer rejected the step")
                .contains("meaningless");
        assertThat(fx.snapshot(result.runId()).currentStep()).isEqualTo(2);
    }

    @Test
    void aStartWithAnExistingRunIdIsRefused() throws Exception {
        fx.server.script(Reply.text("one"));
        fx.agent().start("first", Optional.of("same"), new RunControl(), RunListener.NONE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fx.agent().start("second", Optional.of("same"), new RunControl(), RunListener.NONE))
                .isInstanceOf(RunException.class).hasMessageContaining("already exists with another goal");
    }

    @Test
    void aStartWithTheIdOfAnUnfinishedRunOfTheSameGoalResumesIt() throws Exception {
        // A replaced Kubernetes pod runs the same `agent run GOAL --run-id ID` again.
        fx.server.script(
                Reply.toolCall("write_file", "{\"path\":\"notes.md\",\"content\":\"mine\\n\"}"),
                Reply.firstThen(1, Reply.status(503, "0"), Reply.text("noted")));
        fx.vars.put("LLM_MAX_RETRIES", "0");
        RunResult paused = fx.agent().start("Write notes", Optional.of("pod-run"), new RunControl(), RunListener.NONE);
        assertThat(paused.status()).isEqualTo("paused");
        assertThat(paused.steps()).isEqualTo(1);

        List<Boolean> resumedFlags = new CopyOnWriteArrayList<>();
        RunResult again = fx.agent().start("Write notes", Optional.of("pod-run"), new RunControl(), new RunListener() {
            @Override
            public void started(String runId, boolean resumed) {
                resumedFlags.add(resumed);
            }
        });

        assertThat(again.runId()).isEqualTo("pod-run");
        assertThat(again.status()).isEqualTo("succeeded");
        assertThat(again.answer()).isEqualTo("noted");
        assertThat(again.steps()).isEqualTo(2);
        assertThat(resumedFlags).containsExactly(true);
        assertThat(fx.auditTypes("pod-run")).contains("run_resumed");
        assertThat(Files.readString(fx.workspace.resolve("notes.md"))).isEqualTo("mine\n");
    }

    @Test
    void aStartWithTheIdOfAFinishedRunReportsItWithoutRunningAgain() throws Exception {
        fx.server.script(Reply.text("done once"));
        RunResult first = fx.agent().start("Say it", Optional.of("finished-run"), new RunControl(), RunListener.NONE);
        int requests = fx.server.chatRequestCount();

        RunResult again = fx.agent().start("Say it", Optional.of("finished-run"), new RunControl(), RunListener.NONE);

        assertThat(first.status()).isEqualTo("succeeded");
        assertThat(again.status()).isEqualTo("succeeded");
        assertThat(again.answer()).isEqualTo("done once");
        assertThat(again.steps()).isEqualTo(first.steps());
        assertThat(again.tokens()).isEqualTo(first.tokens());
        assertThat(fx.server.chatRequestCount()).isEqualTo(requests);
    }
}
