package io.devagent.view;

import io.devagent.state.StateDir;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every run's latest snapshot, sorted by recency, kept in memory and brought up to date cheaply: a
 * refresh lists {@code checkpoints/} only when that directory changed (a run was added or removed),
 * and parses a snapshot only when its file changed (snapshots are replaced by rename, so the file's
 * inode, size or modification time changes with each checkpoint). A succeeded run is final (it
 * cannot be resumed), so its file is looked at only in a rolling sweep, one {@value #SWEEP_SLICES}th
 * of them per refresh; every other run is looked at each time. When nothing changed the sorted list
 * is reused. Serving a page from a {@link View} costs nothing more.
 *
 * <p>Thread-safe: refreshes are serialised, and a {@link View} is immutable.
 */
public final class RunIndex {

    /** One sorted, immutable state of the index. */
    public record View(List<Snapshot> runs, Map<String, Snapshot> byId, Map<String, Long> counts, long builtAtNanos,
                       long refreshNanos, int parsed) {

        public static final View EMPTY = new View(List.of(), Map.of(), Map.of(), 0, 0, 0);

        public Optional<Snapshot> run(String runId) {
            return Optional.ofNullable(byId.get(runId));
        }

        /** How old this view is, from {@code nowNanos} ({@link System#nanoTime()}). */
        public long ageNanos(long nowNanos) {
            return nowNanos - builtAtNanos;
        }
    }

    /** The snapshot file's attributes, and the journal's size: the snapshot is written behind the journal, and read caught up with it. */
    private record Stamp(Object fileKey, FileTime modified, long size, long journalSize) {
    }

    /** A run's snapshot, the file attributes it was read under, and its time parsed once (sorting compares it often). */
    private record Entry(Stamp stamp, Snapshot snapshot, Instant updatedAt) {
    }

    /** Most recently updated first (as {@link Checkpoints#BY_RECENCY}), then by id, on the times parsed once. */
    private static final Comparator<Entry> ORDER = Comparator
            .comparing(Entry::updatedAt, Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
            .thenComparing(e -> e.snapshot().runId(), Comparator.nullsLast(Comparator.<String>naturalOrder()));

    /** A succeeded run's snapshot is checked once every this many refreshes. */
    static final int SWEEP_SLICES = 30;

    private final StateDir state;
    private final Checkpoints checkpoints;
    private int sweep;
    private final Map<String, Entry> entries = new HashMap<>();
    private List<String> runIds = List.of();
    private FileTime listedDirTime;
    private long listedAtMillis;
    private volatile View view = View.EMPTY;
    private final RunLiveness liveness;
    /** The {@code running} runs whose owner was gone at the last refresh: shown {@code interrupted}. */
    private java.util.Set<String> interrupted = java.util.Set.of();

    RunIndex(StateDir state, Checkpoints checkpoints) {
        this.state = state;
        this.checkpoints = checkpoints;
        this.liveness = new RunLiveness(state);
    }

    /** The last view built; {@link View#EMPTY} before the first {@link #refresh()}. */
    public View current() {
        return view;
    }

    /** Brings the index up to date with the state directory and returns the new view. */
    public synchronized View refresh() {
        long started = System.nanoTime();
        List<String> ids = listRunIds();
        Map<String, Entry> next = new HashMap<>(ids.size() * 2);
        int parsed = 0;
        boolean changed = ids.size() != entries.size();
        int slice = sweep;
        sweep = (sweep + 1) % SWEEP_SLICES;
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            Entry settled = entries.get(id);
            if (settled != null && Snapshot.SUCCEEDED.equals(settled.snapshot().status()) && i % SWEEP_SLICES != slice) {
                next.put(id, settled);
                continue;
            }
            Path file = checkpoints.snapshotFile(id);
            Stamp stamp = stamp(file, checkpoints.journalFile(id));
            if (stamp == null) {
                changed |= entries.containsKey(id);
                continue; // a run being created has no snapshot yet
            }
            Entry known = entries.get(id);
            if (known != null && known.stamp().equals(stamp)) {
                next.put(id, known);
                continue;
            }
            changed = true;
            Optional<Snapshot> snapshot = checkpoints.snapshot(id);
            parsed++;
            // The file may have been replaced again between the stat and the read: the next refresh sees the newer stamp.
            snapshot.ifPresent(s -> next.put(id, new Entry(stamp, s, Checkpoints.updatedAt(s))));
        }
        changed |= next.size() != entries.size();
        // A run's owner can die with no file changing: the lock of every running run is looked at each time.
        java.util.Set<String> dead = new java.util.HashSet<>();
        next.forEach((id, entry) -> {
            if (Snapshot.RUNNING.equals(entry.snapshot().status()) && !liveness.owned(id)) {
                dead.add(id);
            }
        });
        changed |= !dead.equals(interrupted);
        interrupted = dead;
        entries.clear();
        entries.putAll(next);
        long now = System.nanoTime();
        View previous = view;
        if (!changed && previous != View.EMPTY) {
            // Nothing changed: the sorted list is reused, only the time of the check moves on.
            View same = new View(previous.runs(), previous.byId(), previous.counts(), now, now - started, 0);
            view = same;
            return same;
        }
        List<Entry> order = new ArrayList<>(next.values());
        order.sort(ORDER);
        List<Snapshot> sorted = new ArrayList<>(order.size());
        Map<String, Snapshot> byId = new HashMap<>(next.size() * 2);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String status : List.of(Snapshot.RUNNING, Snapshot.INTERRUPTED, Snapshot.PAUSED, Snapshot.SUCCEEDED, Snapshot.FAILED)) {
            counts.put(status, 0L);
        }
        for (Entry entry : order) {
            Snapshot shown = dead.contains(entry.snapshot().runId()) ? entry.snapshot().withStatus(Snapshot.INTERRUPTED) : entry.snapshot();
            sorted.add(shown);
            byId.put(shown.runId(), shown);
            counts.merge(Objects.requireNonNullElse(shown.status(), "unknown"), 1L, Long::sum);
        }
        now = System.nanoTime();
        View built = new View(Collections.unmodifiableList(sorted), Collections.unmodifiableMap(byId),
                Collections.unmodifiableMap(counts), now, now - started, parsed);
        view = built;
        return built;
    }

    /**
     * The run directories, listed again only when {@code checkpoints/} itself changed. A change within
     * the file system's timestamp resolution of the last listing could hide behind an equal time, so a
     * directory modified in the last two seconds is always listed again.
     */
    private List<String> listRunIds() {
        Path dir = state.checkpoints();
        FileTime dirTime;
        try {
            dirTime = Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            listedDirTime = null;
            runIds = List.of();
            return runIds;
        }
        long now = System.currentTimeMillis();
        boolean recent = now - dirTime.toMillis() < 2000 || listedAtMillis - dirTime.toMillis() < 2000;
        if (dirTime.equals(listedDirTime) && !recent) {
            return runIds;
        }
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir)) {
            for (Path child : dirs) {
                ids.add(child.getFileName().toString());
            }
        } catch (IOException e) {
            return runIds;
        }
        runIds = List.copyOf(ids);
        listedDirTime = dirTime;
        listedAtMillis = now;
        return runIds;
    }

    private static Stamp stamp(Path file, Path journal) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            long journalSize;
            try {
                journalSize = Files.size(journal);
            } catch (IOException e) {
                journalSize = -1;
            }
            return new Stamp(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), journalSize);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
