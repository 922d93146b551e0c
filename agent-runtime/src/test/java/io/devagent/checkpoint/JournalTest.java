package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;
import io.devagent.state.StateDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(CheckpointsExtension.class)
class JournalTest {

    private static final String RUN = "20260101-120000-a1b2c3";

    private StateDir state;
    private Checkpoints checkpoints;

    @BeforeEach
    void setUp(StateDir state, Checkpoints checkpoints) {
        this.state = state;
        this.checkpoints = checkpoints;
    }

    private Path journalFile() {
        return state.checkpointDir(RUN).resolve("journal.jsonl");
    }

    private static ObjectNode message(String role, String content) {
        return Json.object().put("role", role).put("content", content);
    }

    private void writeRun(int steps) throws Exception {
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            journal.start(RUN, "make the tests pass", "qwen", "/workspace", "2026-01-01T12:00:00Z");
            for (int i = 1; i <= steps; i++) {
                journal.step(i, List.of(message("assistant", "step " + i)), new Tokens(10, 5, 15), null, null, null, null);
            }
        }
    }

    private RunJournal.Recovered reopenAndRecover() throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        try (Journal journal = checkpoints.reopen(RUN, entries)) {
            assertThat(journal.bytes()).isEqualTo(Files.size(journalFile()));
        }
        return RunJournal.recover(entries);
    }

    @Test
    void eachEntryIsOneCompleteLineAndBytesTracksTheFileSize() throws Exception {
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            assertThat(journal.bytes()).isZero();
            journal.start(RUN, "goal", "m", "/w", "2026-01-01T12:00:00Z");
            assertThat(journal.bytes()).isEqualTo(Files.size(journalFile()));
            journal.step(1, List.of(message("user", "multi\nline\ncontent")), new Tokens(1, 2, 3), "plan", null, null, null);
            assertThat(journal.bytes()).isEqualTo(Files.size(journalFile()));
        }
        List<String> lines = Files.readAllLines(journalFile(), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        assertThat(Json.parse(lines.get(0)).get("type").asText()).isEqualTo("start");
        assertThat(Json.parse(lines.get(1)).at("/messages/0/content").asText()).isEqualTo("multi\nline\ncontent");
        assertThat(Files.readString(journalFile())).endsWith("\n");
    }

    @Test
    void aTornTailIsCutOnReopenAndAppendingContinues() throws Exception {
        writeRun(3);
        long intact = Files.size(journalFile());
        Files.writeString(journalFile(), "{\"type\":\"step\",\"step\":4,\"messages\":[{\"role\":\"assist", StandardOpenOption.APPEND);

        List<JsonNode> entries = new ArrayList<>();
        try (RunJournal journal = new RunJournal(checkpoints.reopen(RUN, entries))) {
            assertThat(entries).hasSize(4);
            assertThat(Files.size(journalFile())).as("the torn line is cut off").isEqualTo(intact);
            assertThat(journal.bytes()).isEqualTo(intact);
            journal.step(4, List.of(message("assistant", "step 4 again")), new Tokens(1, 1, 2), null, null, null, null);
            assertThat(journal.bytes()).isEqualTo(Files.size(journalFile()));
        }

        RunJournal.Recovered run = reopenAndRecover();
        assertThat(run.currentStep()).isEqualTo(4);
        assertThat(run.steps().get(3).get(0).get("content").asText()).isEqualTo("step 4 again");
        assertThat(run.tokens()).isEqualTo(new Tokens(31, 16, 47));
        for (String line : Files.readAllLines(journalFile())) {
            Json.parse(line); // every line is whole
        }
    }

    @Test
    void aTornTailThatHappensToBeValidJsonIsStillCut() throws Exception {
        writeRun(1);
        long intact = Files.size(journalFile());
        Files.writeString(journalFile(), "{\"type\":\"status\",\"status\":\"succeeded\"}", StandardOpenOption.APPEND);
        RunJournal.Recovered run = reopenAndRecover();
        assertThat(run.status()).as("an entry whose newline never made it was never committed").isEqualTo(Snapshot.RUNNING);
        assertThat(Files.size(journalFile())).isEqualTo(intact);
    }

    @Test
    void aDamagedMiddleLineIsAClearError() throws Exception {
        writeRun(3);
        List<String> lines = new ArrayList<>(Files.readAllLines(journalFile()));
        lines.set(2, lines.get(2).substring(0, 20) + "#garbage#");
        Files.writeString(journalFile(), String.join("\n", lines) + "\n");
        long size = Files.size(journalFile());

        assertThatThrownBy(() -> checkpoints.reopen(RUN, new ArrayList<>()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(RUN)
                .hasMessageContaining("line 3")
                .hasMessageContaining("damaged");
        assertThat(Files.size(journalFile())).as("a damaged journal is not truncated").isEqualTo(size);
    }

    @Test
    void creatingTheSameRunTwiceFailsAndKeepsTheFirstJournal() throws Exception {
        writeRun(2);
        long size = Files.size(journalFile());
        assertThatThrownBy(() -> checkpoints.create(RUN))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(RUN)
                .hasMessageContaining("already exists");
        assertThat(Files.size(journalFile())).isEqualTo(size);
        assertThat(reopenAndRecover().currentStep()).isEqualTo(2);
    }

    @Test
    void anUnknownRunIsAClearError() {
        assertThatThrownBy(() -> checkpoints.reopen("no-such-run", new ArrayList<>()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("no run with id 'no-such-run'");
        assertThatThrownBy(() -> checkpoints.entries("no-such-run"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("no run with id 'no-such-run'");
        assertThat(checkpoints.exists("no-such-run")).isFalse();
    }

    @Test
    void entriesReadsTheCompleteEntriesWithoutChangingTheFile() throws Exception {
        writeRun(2);
        Files.writeString(journalFile(), "{\"type\":\"st", StandardOpenOption.APPEND);
        long size = Files.size(journalFile());
        List<JsonNode> entries = checkpoints.entries(RUN);
        assertThat(entries).extracting(e -> e.get("type").asText()).containsExactly("start", "step", "step");
        assertThat(Files.size(journalFile())).isEqualTo(size);
        assertThat(checkpoints.exists(RUN)).isTrue();
    }

    @Test
    void theCostOfAStepDoesNotGrowWithTheRun() throws Exception {
        String content = "x".repeat(200);
        long deltaAt10 = -1;
        long deltaAt1000 = -1;
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            journal.start(RUN, "a long run", "m", "/w", "2026-01-01T12:00:00Z");
            for (int step = 1; step <= 1000; step++) {
                long before = journal.bytes();
                journal.step(step, List.of(message("assistant", content)), new Tokens(100, 20, 120), null, null, null, null);
                long delta = journal.bytes() - before;
                if (step == 10) {
                    deltaAt10 = delta;
                }
                if (step == 1000) {
                    deltaAt1000 = delta;
                }
            }
            assertThat(journal.bytes()).isEqualTo(Files.size(journalFile()));
        }
        // One line per step: the step number gains two digits and the timestamp's fraction may
        // vary by a few digits, but nothing proportional to the steps already taken.
        assertThat(deltaAt10).isBetween(250L, 450L);
        assertThat(deltaAt1000).isBetween(deltaAt10 - 12, deltaAt10 + 14);
        assertThat(Files.size(journalFile())).isLessThan(1000 * (deltaAt10 + 14) + 500);

        RunJournal.Recovered run = reopenAndRecover();
        assertThat(run.currentStep()).isEqualTo(1000);
        assertThat(run.tokens()).isEqualTo(new Tokens(100_000, 20_000, 120_000));
    }
}
