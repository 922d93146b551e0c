package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;
import io.devagent.state.StateDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(CheckpointsExtension.class)
class CheckpointsTest {

    private StateDir state;
    private Checkpoints checkpoints;

    @BeforeEach
    void setUp(StateDir state, Checkpoints checkpoints) {
        this.state = state;
        this.checkpoints = checkpoints;
    }

    private static Snapshot snapshot(String runId, String status, int step, String updatedAt) {
        return new Snapshot(runId, "goal of " + runId, status, step, updatedAt, "2026-01-01T00:00:00Z", "qwen",
                "/workspace", new Tokens(10, 5, 15), "the plan", null, null, "read_file", 1234, 42L);
    }

    @Test
    void aSnapshotRoundTripsThroughItsFileWithTheSpecFieldNames() throws Exception {
        Snapshot written = snapshot("run-1", Snapshot.PAUSED, 7, "2026-01-02T03:04:05.123456Z");
        checkpoints.writeSnapshot(written);

        Path file = state.checkpointDir("run-1").resolve("snapshot.json");
        JsonNode json = Json.MAPPER.readTree(file.toFile());
        assertThat(json.get("run_id").asText()).isEqualTo("run-1");
        assertThat(json.get("goal").asText()).isEqualTo("goal of run-1");
        assertThat(json.get("status").asText()).isEqualTo("paused");
        assertThat(json.get("current_step").isInt()).isTrue();
        assertThat(json.get("current_step").asInt()).isEqualTo(7);
        assertThat(json.get("updated_at").asText()).isEqualTo("2026-01-02T03:04:05.123456Z");
        assertThat(json.get("tokens").get("total").asLong()).isEqualTo(15);
        assertThat(json.has("runId")).isFalse();
        assertThat(json.has("currentStep")).isFalse();
        assertThat(json.has("updatedAt")).isFalse();
        assertThat(json.has("answer")).as("absent values are left out").isFalse();

        assertThat(checkpoints.snapshot("run-1")).contains(written);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("snapshot.json");
        }
    }

    @Test
    void rewritingASnapshotReplacesIt() throws Exception {
        checkpoints.writeSnapshot(snapshot("run-1", Snapshot.RUNNING, 1, "2026-01-01T00:00:01Z"));
        Snapshot done = new Snapshot("run-1", "g", Snapshot.SUCCEEDED, 2, "2026-01-01T00:00:02Z", null, null, null,
                null, null, "the answer", null, null, 0, null);
        checkpoints.writeSnapshot(done);
        assertThat(checkpoints.snapshot("run-1")).contains(done);
        assertThat(done.finished()).isTrue();
        assertThat(checkpoints.snapshot("run-1").orElseThrow().tokens()).isNull();
    }

    @Test
    void aSnapshotWithUnknownFieldsStillReads() throws Exception {
        Path file = Files.createDirectories(state.checkpointDir("run-x")).resolve("snapshot.json");
        Files.writeString(file, "{\"run_id\":\"run-x\",\"goal\":\"g\",\"status\":\"running\",\"current_step\":3,"
                + "\"updated_at\":\"2026-01-01T00:00:00Z\",\"field_from_a_later_version\":{\"a\":1}}");
        Snapshot s = checkpoints.snapshot("run-x").orElseThrow();
        assertThat(s.currentStep()).isEqualTo(3);
        assertThat(s.finished()).isFalse();
    }

    @Test
    void aMissingSnapshotIsEmpty() {
        assertThat(checkpoints.snapshot("nope")).isEmpty();
        assertThat(checkpoints.list()).isEmpty();
        assertThat(checkpoints.latest()).isEmpty();
    }

    @Test
    void listSortsTheNewestFirst() throws Exception {
        checkpoints.writeSnapshot(snapshot("b", Snapshot.RUNNING, 2, "2026-03-01T10:00:00.250Z"));
        checkpoints.writeSnapshot(snapshot("a", Snapshot.SUCCEEDED, 9, "2026-03-02T09:00:00.100Z"));
        checkpoints.writeSnapshot(snapshot("c", Snapshot.FAILED, 1, "2026-02-28T23:59:59.999Z"));
        assertThat(checkpoints.list()).extracting(Snapshot::runId).containsExactly("a", "b", "c");
        assertThat(checkpoints.latest().orElseThrow().runId()).isEqualTo("a");
    }

    @Test
    void listComparesTimesNotStringsWhenFractionsDiffer() throws Exception {
        // Instant.toString() writes no fraction on a whole second and 3, 6 or 9 digits otherwise.
        checkpoints.writeSnapshot(snapshot("whole-second", Snapshot.RUNNING, 1, "2026-03-01T10:00:00Z"));
        checkpoints.writeSnapshot(snapshot("half-past", Snapshot.RUNNING, 1, "2026-03-01T10:00:00.500Z"));
        checkpoints.writeSnapshot(snapshot("micros", Snapshot.RUNNING, 1, "2026-03-01T10:00:00.500100Z"));
        assertThat(checkpoints.list()).extracting(Snapshot::runId).containsExactly("micros", "half-past", "whole-second");
    }

    @Test
    void aSnapshotWithoutATimeIsListedLast() throws Exception {
        checkpoints.writeSnapshot(snapshot("no-time", Snapshot.RUNNING, 1, null));
        checkpoints.writeSnapshot(snapshot("old", Snapshot.RUNNING, 1, "2020-01-01T00:00:00Z"));
        checkpoints.writeSnapshot(snapshot("new", Snapshot.RUNNING, 1, "2026-01-01T00:00:00Z"));
        assertThat(checkpoints.list()).extracting(Snapshot::runId).containsExactly("new", "old", "no-time");
        checkpoints.writeSnapshot(snapshot("bad-time", Snapshot.RUNNING, 1, "yesterday"));
        assertThat(checkpoints.list()).extracting(Snapshot::runId).startsWith("new", "old").hasSize(4);
    }

    @Test
    void corruptSnapshotsAreSkippedByList() throws Exception {
        checkpoints.writeSnapshot(snapshot("good", Snapshot.RUNNING, 1, "2026-01-01T00:00:00Z"));
        Map<String, String> corrupt = Map.of(
                "garbage", "{not json",
                "empty", "",
                "json-null", "null",
                "array", "[1,2]",
                "wrong-type", "{\"run_id\":\"wrong-type\",\"current_step\":\"three\"}",
                "truncated", "{\"run_id\":\"truncated\",\"goal\":\"g\",\"sta");
        for (var e : corrupt.entrySet()) {
            Files.writeString(Files.createDirectories(state.checkpointDir(e.getKey())).resolve("snapshot.json"), e.getValue());
        }
        Files.createDirectories(state.checkpointDir("journal-only"));
        Files.writeString(state.checkpoints().resolve("stray-file.txt"), "not a run");

        List<Snapshot> list = new ArrayList<>(checkpoints.list());
        assertThat(list).extracting(Snapshot::runId).containsExactly("good");
        for (String id : corrupt.keySet()) {
            assertThat(checkpoints.snapshot(id)).as(id).isEmpty();
        }
    }
}
