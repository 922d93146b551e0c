package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(CheckpointsExtension.class)
class RunJournalTest {

    private static final String RUN = "run-1";

    private Checkpoints checkpoints;

    @BeforeEach
    void setUp(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    private static ObjectNode message(String role, String content) {
        return Json.object().put("role", role).put("content", content);
    }

    private RunJournal.Recovered recover() throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        checkpoints.reopen(RUN, entries).close();
        return RunJournal.recover(entries);
    }

    @Test
    void recoverRebuildsTheRunFromItsEntries() throws Exception {
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            journal.start(RUN, "fix the flaky test", "qwen2.5-coder", "/workspace", "2026-01-01T12:00:00Z");
            journal.step(1, List.of(message("user", "fix the flaky test"), message("assistant", "looking")),
                    new Tokens(100, 10, 110), "1. read\n2. fix", null, null, null);
            journal.step(2, List.of(message("tool", "file contents")), new Tokens(200, 20, 220), null, null, null, null);
            journal.toolMode("text");
            journal.step(3, List.of(message("assistant", "patched")), new Tokens(300, 30, 330), "1. read (done)\n2. fix", null, null, null);
            journal.status(Snapshot.PAUSED, null, "interrupted by SIGINT");
        }

        RunJournal.Recovered run = recover();
        assertThat(run.runId()).isEqualTo(RUN);
        assertThat(run.goal()).isEqualTo("fix the flaky test");
        assertThat(run.model()).isEqualTo("qwen2.5-coder");
        assertThat(run.workspace()).isEqualTo("/workspace");
        assertThat(run.createdAt()).isEqualTo("2026-01-01T12:00:00Z");
        assertThat(run.currentStep()).isEqualTo(3);
        assertThat(run.steps()).hasSize(3);
        assertThat(run.steps().get(0)).extracting(m -> m.get("content").asText()).containsExactly("fix the flaky test", "looking");
        assertThat(run.steps().get(1)).extracting(m -> m.get("role").asText()).containsExactly("tool");
        assertThat(run.steps().get(2).get(0).get("content").asText()).isEqualTo("patched");
        assertThat(run.tokens()).isEqualTo(new Tokens(600, 60, 660));
        assertThat(run.plan()).as("the latest plan").isEqualTo("1. read (done)\n2. fix");
        assertThat(run.toolMode()).isEqualTo("text");
        assertThat(run.status()).isEqualTo(Snapshot.PAUSED);
        assertThat(run.message()).isEqualTo("interrupted by SIGINT");
        assertThat(run.answer()).isNull();
    }

    @Test
    void theLastStatusWinsAcrossPauseResumeAndFinish() throws Exception {
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            journal.start(RUN, "g", null, null, null);
            journal.status(Snapshot.PAUSED, null, "SIGTERM");
        }
        assertThat(recover().status()).isEqualTo(Snapshot.PAUSED);

        List<JsonNode> entries = new ArrayList<>();
        try (RunJournal journal = new RunJournal(checkpoints.reopen(RUN, entries))) {
            journal.status(Snapshot.RUNNING, null, null);
            journal.step(1, List.of(message("assistant", "done")), new Tokens(1, 1, 2), null, null, null, null);
            journal.status(Snapshot.SUCCEEDED, "all green", null);
        }
        RunJournal.Recovered run = recover();
        assertThat(run.status()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(run.answer()).isEqualTo("all green");
        assertThat(run.message()).as("the pause message does not outlive the pause").isNull();
        assertThat(run.currentStep()).isEqualTo(1);
        assertThat(run.model()).isNull();
        assertThat(run.plan()).isNull();
    }

    @Test
    void aFreshRunIsRunningWithNothingDone() throws Exception {
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            journal.start(RUN, "g", "m", "/w", "2026-01-01T00:00:00Z");
        }
        RunJournal.Recovered run = recover();
        assertThat(run.status()).isEqualTo(Snapshot.RUNNING);
        assertThat(run.currentStep()).isZero();
        assertThat(run.tokens()).isEqualTo(Tokens.ZERO);
        assertThat(run.toolMode()).isNull();
    }

    @Test
    void entriesOfUnknownTypesAreSkipped() throws Exception {
        List<JsonNode> entries = List.of(
                Json.object().put("type", "start").put("run_id", RUN).put("goal", "g"),
                Json.object().put("type", "from_the_future").put("x", 1),
                Json.object().put("type", "step").put("step", 1).set("messages", Json.array().add(message("assistant", "a"))));
        RunJournal.Recovered run = RunJournal.recover(entries);
        assertThat(run.currentStep()).isEqualTo(1);
        assertThat(run.tokens()).isEqualTo(Tokens.ZERO);
    }

    @Test
    void aJournalWithoutAStartEntryIsDamaged() {
        assertThatThrownBy(() -> RunJournal.recover(List.of()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("start entry");
        assertThatThrownBy(() -> RunJournal.recover(List.of(Json.object().put("type", "step"))))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("damaged");
    }

    @Test
    void theStepEntryHasTheDocumentedShape() throws Exception {
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            journal.start(RUN, "g", "m", "/w", "2026-01-01T00:00:00Z");
            journal.step(1, List.of(message("assistant", "a")), new Tokens(3, 4, 7), "p", null, null, null);
        }
        List<JsonNode> entries = checkpoints.entries(RUN);
        JsonNode start = entries.get(0);
        assertThat(start.get("type").asText()).isEqualTo("start");
        assertThat(start.get("created_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
        JsonNode step = entries.get(1);
        assertThat(step.get("step").asInt()).isEqualTo(1);
        assertThat(step.get("usage").get("prompt").asLong()).isEqualTo(3);
        assertThat(step.get("usage").get("completion").asLong()).isEqualTo(4);
        assertThat(step.get("usage").get("total").asLong()).isEqualTo(7);
        assertThat(step.get("plan").asText()).isEqualTo("p");
        java.time.Instant.parse(step.get("ts").asText());
    }
}
