package io.devagent.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditReader;
import io.devagent.state.StateView;

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

        long checkedNanos() {
            return checkedNanos;
        }
    }

    RunSummaries(StateView view) {
        this.view = view;
    }

    /** The run's summary, brought up to date with its log (blocking: call it off the event loop). */
    ObjectNode summary(String runId) throws IOException {
        Entry entry = entry(runId);
        synchronized (entry) {
            long readBytes = catchUp(runId, entry);
            ObjectNode out = entry.summary.toJson();
            out.put("run_id", runId).put("audit_log", entry.logPresent).put("read_bytes", readBytes).put("log_bytes", entry.offset);
            out.put("archived", !entry.logPresent && Files.isDirectory(view.state().archive()) && view.exists(runId));
            return out;
        }
    }

    /** Brings the run's counts up to date (blocking), for the runs table. */
    void refresh(String runId) throws IOException {
        Entry entry = entry(runId);
        synchronized (entry) {
            catchUp(runId, entry);
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

    /** Folds the lines appended since the last read; returns how many bytes it read. */
    private long catchUp(String runId, Entry entry) throws IOException {
        long start = entry.offset;
        entry.logPresent = Files.exists(view.state().auditLog(runId));
        while (true) {
            AuditReader.Chunk chunk = view.auditSince(runId, entry.offset, CHUNK_BYTES);
            if (chunk.nextOffset() < 0) {
                // Shorter than what was read, or gone: start over from whatever is there now.
                entry.summary = new RunSummary();
                entry.offset = 0;
                start = 0;
                if (!entry.logPresent) {
                    break;
                }
                continue;
            }
            for (AuditReader.Event event : chunk.events()) {
                entry.summary.add(event.line());
            }
            entry.offset = chunk.nextOffset();
            if (!chunk.more() || chunk.events().isEmpty()) {
                break;
            }
        }
        entry.denials = entry.summary.denials();
        entry.awaiting = entry.summary.awaitingApproval();
        entry.folded = true;
        entry.checkedNanos = System.nanoTime();
        return entry.offset - start;
    }
}
