package io.devagent.bench;

import io.devagent.model.Tokens;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.state.StateDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The state that {@code bench/dashboard-load.sh} measures the dashboard over: many runs (snapshots
 * written by {@link Checkpoints}, the one writer of that format) and one run with a very large audit
 * log (written by {@link AuditLog}, hash chain and all). Usage:
 * {@code DashboardLoadState STATE_DIR RUNS LOG_MEGABYTES}. What is already there is kept.
 */
public final class DashboardLoadState {

    private DashboardLoadState() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        long logBytes = Long.parseLong(args[2]) * 1024 * 1024;
        StateDir state = StateDir.resolve(Optional.of(root), new Environment(Map.of()));
        state.ensureWritable();
        Checkpoints checkpoints = new Checkpoints(state);
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");

        long started = System.nanoTime();
        int written = 0;
        for (int i = 0; i < runs; i++) {
            String id = String.format("load-%05d", i);
            if (Files.exists(checkpoints.snapshotFile(id))) {
                continue;
            }
            Files.createDirectories(state.checkpointDir(id));
            String status = i % 50 == 0 ? Snapshot.FAILED : i % 17 == 0 ? Snapshot.PAUSED : Snapshot.SUCCEEDED;
            checkpoints.writeSnapshot(new Snapshot(id, "Load-test goal number " + i + ": summarize module " + (i % 40), status,
                    3 + i % 20, t0.plusSeconds(i * 60L).toString(), t0.plusSeconds(i * 60L - 30).toString(), "scripted-model",
                    "/workspace", new Tokens(1000 + i, 100 + i % 300, 1100 + i + i % 300), null,
                    Snapshot.SUCCEEDED.equals(status) ? "done" : null, null, "read_file", 4096, null));
            written++;
        }
        System.err.printf("runs: %d in %s (%d new, %.1f s)%n", runs, state.checkpoints(), written, (System.nanoTime() - started) / 1e9);

        String big = "big-log";
        Files.createDirectories(state.checkpointDir(big));
        if (!Files.exists(checkpoints.snapshotFile(big))) {
            checkpoints.writeSnapshot(new Snapshot(big, "A run with a very long audit log", Snapshot.RUNNING, 1, Instant.now().toString(),
                    t0.toString(), "scripted-model", "/workspace", new Tokens(1, 1, 2), null, null, null, "read_file", 0, null));
        }
        Path log = state.auditLog(big);
        long size = Files.exists(log) ? Files.size(log) : 0;
        if (size < logBytes) {
            started = System.nanoTime();
            String output = "x".repeat(700);
            try (AuditLog audit = AuditLog.open(log, big, Redactor.none())) {
                long step = audit.lastSeq();
                while (size < logBytes) {
                    for (int i = 0; i < 1000; i++) {
                        step++;
                        audit.append("tool_result", Json.object().put("step", step).put("id", "call_" + step).put("name", "read_file")
                                .put("ok", true).put("duration_ms", 0.25).put("output_bytes", 700).put("output", output));
                    }
                    size = Files.size(log);
                }
                audit.sync();
            }
            System.err.printf("audit log: %s, %.2f GB (%.1f s)%n", log, size / 1e9, (System.nanoTime() - started) / 1e9);
        } else {
            System.err.printf("audit log: %s, %.2f GB (kept)%n", log, size / 1e9);
        }
    }
}
