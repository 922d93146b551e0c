package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.state.AtomicFiles;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoints of the runs in one state directory: each run's journal and snapshot. This is the
 * one reader and writer of those files.
 */
public final class Checkpoints {

    private static final String JOURNAL = "journal.jsonl";
    private static final String SNAPSHOT = "snapshot.json";

    /** The most recently updated first, by time, not by text; no or bad times go last. */
    public static final Comparator<Snapshot> BY_RECENCY =
            Comparator.comparing(Checkpoints::updatedAt, Comparator.nullsLast(Comparator.reverseOrder()));

    private final StateDir state;

    public Checkpoints(StateDir state) {
        this.state = state;
    }

    /** Starts a new run's journal; the run id must be new. */
    public Journal create(String runId) throws CheckpointException {
        Path dir = state.checkpointDir(runId);
        try {
            Files.createDirectories(dir);
            return Journal.create(dir.resolve(JOURNAL));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new CheckpointException("run " + runId + " already exists");
        } catch (IOException e) {
            throw new CheckpointException("cannot create the checkpoint of run " + runId + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reopens a run's journal for appending, returning its entries in order. */
    public Journal reopen(String runId, List<JsonNode> entriesOut) throws CheckpointException {
        Path file = state.checkpointDir(runId).resolve(JOURNAL);
        if (!Files.exists(file)) {
            throw new CheckpointException("no run with id '" + runId + "' in " + state.checkpoints());
        }
        try {
            return Journal.reopen(file, entriesOut);
        } catch (IOException e) {
            throw new CheckpointException("cannot read the journal of run " + runId + ": " + e.getMessage(), e);
        }
    }

    /** The journal's entries, read-only. */
    public List<JsonNode> entries(String runId) throws CheckpointException {
        try {
            return Journal.readAll(state.checkpointDir(runId).resolve(JOURNAL));
        } catch (NoSuchFileException e) {
            throw new CheckpointException("no run with id '" + runId + "' in " + state.checkpoints());
        } catch (IOException e) {
            throw new CheckpointException("cannot read the journal of run " + runId + ": " + e.getMessage(), e);
        }
    }

    /** Rewrites the snapshot atomically; the journal, committed before, is what makes the step durable. */
    public void writeSnapshot(Snapshot snapshot) throws CheckpointException {
        Path file = state.checkpointDir(snapshot.runId()).resolve(SNAPSHOT);
        try {
            AtomicFiles.write(file, Json.pretty(snapshot).getBytes(StandardCharsets.UTF_8), false);
        } catch (IOException e) {
            throw new CheckpointException("cannot write the snapshot of run " + snapshot.runId() + ": " + e.getMessage(), e);
        }
    }

    /** Where a run's snapshot is, for readers that cache it by the file's attributes ({@code RunIndex}). */
    public Path snapshotFile(String runId) {
        return state.checkpointDir(runId).resolve(SNAPSHOT);
    }

    /** Where a run's journal is, for readers that notice it growing ({@code RunIndex}). */
    public Path journalFile(String runId) {
        return state.checkpointDir(runId).resolve(JOURNAL);
    }

    /**
     * A run's latest state: its snapshot, brought up to date with the journal. The snapshot is
     * written behind the run, so it may not yet cover the last steps, nor anything after a crash;
     * the journal entries past the snapshot's {@code journal_bytes} (usually none, or a few lines)
     * are applied on top of it.
     */
    public Optional<Snapshot> snapshot(String runId) {
        Path file = snapshotFile(runId);
        Snapshot written;
        try {
            written = Json.MAPPER.readValue(file.toFile(), Snapshot.class); // a file holding "null" reads as null
        } catch (IOException e) {
            return Optional.empty();
        }
        if (written == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SnapshotCatchUp.apply(written, journalFile(runId)));
        } catch (IOException e) {
            return Optional.of(written); // the journal cannot be read now: the snapshot is the best there is
        }
    }

    /** Snapshots of every run, the most recently updated first. */
    public List<Snapshot> list() {
        List<Snapshot> snapshots = new ArrayList<>();
        if (!Files.isDirectory(state.checkpoints())) {
            return snapshots;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(state.checkpoints(), Files::isDirectory)) {
            for (Path dir : dirs) {
                snapshot(dir.getFileName().toString()).ifPresent(snapshots::add);
            }
        } catch (IOException e) {
            return snapshots;
        }
        // By time, not by text: Instant.toString() writes 0, 3, 6 or 9 fraction digits.
        snapshots.sort(BY_RECENCY);
        return snapshots;
    }

    /** When the snapshot says it was written; null when it does not say or says it badly. */
    public static Instant updatedAt(Snapshot snapshot) {
        try {
            return snapshot.updatedAt() == null ? null : Instant.parse(snapshot.updatedAt());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public Optional<Snapshot> latest() {
        return list().stream().findFirst();
    }

    public boolean exists(String runId) {
        return Files.exists(state.checkpointDir(runId).resolve(JOURNAL));
    }
}
