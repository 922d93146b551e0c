package io.devagent.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.view.StateView;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Each run's {@link RunSummary}, kept in memory with the byte offset it has read its audit log to. A
 * request reads only the lines appended since the last one, so a 1 GB log is read once (the first
 * time its summary is asked for) and never again per request. A log that shrank or went (rotated to
 * the archive) is folded again from the start. At most {@value #MAX_RUNS} runs are kept, the least
 * recently asked for go first.
 */
final class RunSummaries {

    private static final int MAX_RUNS = 1024;
    private static final int CHUNK_BYTES = 8 * 1024 * 1024;
    /** A request folds at most this much; a larger backlog is answered as partial ("complete": false) and goes on at the next. */
    static final long BUDGET_BYTES = 256L * 1024 * 1024;
    private static final long ROW_BUDGET_BYTES = 32L * 1024 * 1024;

    private final StateView view;
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunSummaries.Entry> eldest) {
            return size() > MAX_RUNS;
        }
    };

    /** One run's summary, the offset it was read to, and whether the log was there. */
    static final class Entry {
        private RunSummary summary = new RunSummary();
        private long offset;
        private boolean logPresent;
        private volatile long checkedNanos;
        private volatile long denials;
        private volatile boolean awaiting;
        private volatile boolean folded;
        private boolean complete;
        private volatile boolean archived;

        /** Policy denials in the log as far as it was read; {@link #folded()} says whether it has been read at all. */
        long denials() {
            return denials;
        }

        boolean awaitingApproval() {
            return awaiting;
        }

        boolean folded() {
            return folded;
        }

        /** Its audit log has gone to the archive (rotated away by {@code agent archive}). */
        boolean archived() {
            return archived;
        }

        long checkedNanos() {
            return checkedNanos;
        }
    }

    private final long budget;

    RunSummaries(StateView view) {
        this(view, BUDGET_BYTES);
    }

    RunSummaries(StateView view, long budget) {
        this.view = view;
        this.budget = budget;
    }

    /** The run's summary, brought up to date with its log (blocking: call it off the event loop). */
    ObjectNode summary(String runId) throws IOException {
        Entry entry = entry(runId);
        synchronized (entry) {
            long readBytes = catchUp(runId, entry, budget);
            ObjectNode out = entry.summary.toJson();
            out.put("run_id", runId).put("audit_log", entry.logPresent).put("read_bytes", readBytes).put("read_to", entry.offset)
                    .put("complete", entry.complete);
            java.nio.file.Path log = view.state().auditLog(runId);
            out.put("log_bytes", entry.logPresent && Files.exists(log) ? Files.size(log) : 0);
            out.put("archived", entry.archived);
            return out;
        }
    }

    /**
     * Brings the run's counts up to date (blocking), for the runs table, reading at most 32 MB: a very
     * large log is folded a slice per sweep, so the table's background work stays small and even.
     */
    void refresh(String runId) throws IOException {
        Entry entry = entry(runId);
        synchronized (entry) {
            catchUp(runId, entry, Math.min(budget, ROW_BUDGET_BYTES));
        }
    }

    /** What is known of the run without reading anything. */
    Optional<Entry> cached(String runId) {
        synchronized (entries) {
            return Optional.ofNullable(entries.get(runId));
        }
    }

    private Entry entry(String runId) {
        synchronized (entries) {
            return entries.computeIfAbsent(runId, id -> new Entry());
        }
    }

    /** Folds the lines appended since the last read, at most about {@code budget} bytes; returns how many bytes it read. */
    private long catchUp(String runId, Entry entry, long budget) throws IOException {
        long start = entry.offset;
        entry.logPresent = Files.exists(view.state().auditLog(runId));
        entry.complete = false;
        if (!entry.logPresent && entry.offset == 0) {
            // No log (not written yet, or archived): nothing to read, and no failed open per look.
            entry.complete = true;
        }
        while (!entry.complete && entry.offset - start < budget) {
            RunSummary summary = entry.summary;
            int chunk = (int) Math.max(1, Math.min(CHUNK_BYTES, budget - (entry.offset - start)));
            long next = view.auditScan(runId, entry.offset, chunk, summary::add);
            if (next < 0) {
                // Shorter than what was read, or gone: start over from whatever is there now.
                entry.summary = new RunSummary();
                entry.offset = 0;
                start = 0;
                if (!entry.logPresent) {
                    entry.complete = true;
                    break;
                }
                continue;
            }
            boolean progressed = next > entry.offset;
            entry.offset = next;
            if (!progressed) {
                entry.complete = true;
                break;
            }
        }
        entry.archived = !entry.logPresent && Files.isDirectory(view.state().archive()) && view.exists(runId);
        entry.denials = entry.summary.denials();
        entry.awaiting = entry.summary.awaitingApproval();
        entry.folded = true;
        entry.checkedNanos = System.nanoTime();
        return entry.offset - start;
    }
}
