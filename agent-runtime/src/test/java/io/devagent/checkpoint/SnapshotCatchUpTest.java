package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The snapshot is written behind the journal; readers get it caught up with the journal. */
@ExtendWith(CheckpointsExtension.class)
class SnapshotCatchUpTest {

    private static final String RUN = "run-1";

    private Checkpoints checkpoints;

    @BeforeEach
    void setUp(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    private static ObjectNode toolCall(String name) {
        ObjectNode message = Json.object().put("role", "assistant");
        message.putArray("tool_calls").addObject().put("id", "c1").put("type", "function")
                .putObject("function").put("name", name).put("arguments", "{}");
        return message;
    }

    private Snapshot snapshotAt(RunJournal journal, int step, Tokens tokens) {
        return new Snapshot(RUN, "goal", Snapshot.RUNNING, step, "2026-01-01T12:00:00Z", "2026-01-01T12:00:00Z", "m", "/w", tokens,
                null, null, null, null, journal.bytes(), 4242L);
    }

    @Test
    void stepsAndStatusPastTheSnapshotAreAppliedAndATornLineIsNot() throws Exception {
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            journal.start(RUN, "goal", "m", "/w", "2026-01-01T12:00:00Z");
            journal.step(1, List.of(toolCall("read_file")), new Tokens(10, 1, 11), null, null, null, null);
            checkpoints.writeSnapshot(snapshotAt(journal, 1, new Tokens(10, 1, 11)));
            assertThat(checkpoints.snapshot(RUN).orElseThrow().currentStep()).isEqualTo(1);

            journal.step(2, List.of(toolCall("write_file")), new Tokens(20, 2, 22), "1. write", null, null, null);
            journal.step(3, List.of(toolCall("run_shell")), new Tokens(30, 3, 33), null, null, null, null);
            Snapshot running = checkpoints.snapshot(RUN).orElseThrow();
            assertThat(running.currentStep()).isEqualTo(3);
            assertThat(running.tokens()).isEqualTo(new Tokens(60, 6, 66));
            assertThat(running.plan()).isEqualTo("1. write");
            assertThat(running.lastTool()).isEqualTo("run_shell");
            assertThat(running.status()).isEqualTo(Snapshot.RUNNING);
            assertThat(running.pid()).isEqualTo(4242L);
            assertThat(running.journalBytes()).isEqualTo(journal.bytes());

            journal.status(Snapshot.PAUSED, null, "stopped by the user");
        }
        // What a crash in the middle of a write leaves: half a line, no newline.
        Files.writeString(checkpoints.journalFile(RUN), "{\"type\":\"step\",\"step\":4,\"usa", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        Snapshot paused = checkpoints.snapshot(RUN).orElseThrow();
        assertThat(paused.status()).isEqualTo(Snapshot.PAUSED);
        assertThat(paused.message()).isEqualTo("stopped by the user");
        assertThat(paused.currentStep()).isEqualTo(3);
        assertThat(paused.pid()).isNull();
        assertThat(checkpoints.list()).singleElement().extracting(Snapshot::status).isEqualTo(Snapshot.PAUSED);
    }

    @Test
    void aSnapshotThatCoversTheJournalIsReadAsWritten() throws Exception {
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN))) {
            journal.start(RUN, "goal", "m", "/w", "2026-01-01T12:00:00Z");
            journal.step(1, List.of(toolCall("read_file")), new Tokens(10, 1, 11), null, null, null, null);
            Snapshot written = snapshotAt(journal, 1, new Tokens(10, 1, 11));
            checkpoints.writeSnapshot(written);
            assertThat(checkpoints.snapshot(RUN)).contains(written);
        }
    }
}
