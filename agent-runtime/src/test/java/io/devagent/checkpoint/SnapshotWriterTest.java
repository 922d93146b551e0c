package io.devagent.checkpoint;

import io.devagent.model.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(CheckpointsExtension.class)
class SnapshotWriterTest {

    private static Snapshot at(int step, String status) {
        return new Snapshot("run-1", "goal", status, step, "2026-01-01T12:00:00Z", "2026-01-01T12:00:00Z", "m", "/w", Tokens.ZERO,
                null, null, null, null, 0, null);
    }

    @Test
    void aWriteNowIsNeverReplacedByAnOlderWriteBehind(Checkpoints checkpoints) throws Exception {
        try (SnapshotWriter writer = new SnapshotWriter(checkpoints)) {
            writer.now(at(0, Snapshot.RUNNING));
            for (int step = 1; step <= 500; step++) {
                writer.soon(at(step, Snapshot.RUNNING));
            }
            writer.now(at(500, Snapshot.SUCCEEDED));
        }
        // Whatever the background thread still had in hand, the finished state stays.
        Snapshot last = checkpoints.snapshot("run-1").orElseThrow();
        assertThat(last.status()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(last.currentStep()).isEqualTo(500);
    }

    @Test
    void closingWritesTheLatestWaitingSnapshot(Checkpoints checkpoints) throws Exception {
        try (SnapshotWriter writer = new SnapshotWriter(checkpoints)) {
            writer.now(at(0, Snapshot.RUNNING));
            for (int step = 1; step <= 50; step++) {
                writer.soon(at(step, Snapshot.RUNNING));
            }
        }
        assertThat(checkpoints.snapshot("run-1").orElseThrow().currentStep()).isEqualTo(50);
    }
}
