package io.devagent.archive;

import io.devagent.audit.AuditVerifier;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
import io.devagent.state.AtomicFiles;
import io.devagent.state.RunLock;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Log retention (runbook §5): moves the audit logs of finished runs older than a cut-off, and a
 * dated snapshot of {@code metrics.json}, into compressed archives under
 * {@code archive/<yyyy-mm-dd>/} (or another directory). Each audit chain is verified first; a
 * broken one is left in place and reported. A run that is running, or whose lock another process
 * holds, is never touched.
 */
public final class Archiver {

    /** What one pass did. */
    public record Report(Path directory, List<String> archived, List<String> skipped, List<String> broken, Path metrics) {
    }

    private final StateDir state;

    public Archiver(StateDir state) {
        this.state = state;
    }

    public Report archive(Duration olderThan, Optional<Path> to) throws IOException {
        try {
            return pass(olderThan, to);
        } catch (io.devagent.checkpoint.CheckpointException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Report pass(Duration olderThan, Optional<Path> to) throws IOException, io.devagent.checkpoint.CheckpointException {
        Path dir = to.orElse(state.archive()).resolve(LocalDate.now(ZoneOffset.UTC).toString());
        Files.createDirectories(dir);
        Instant cutoff = Instant.now().minus(olderThan);
        List<String> archived = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        Checkpoints checkpoints = new Checkpoints(state);
        for (Snapshot run : checkpoints.list()) {
            Path log = state.auditLog(run.runId());
            if (!Files.exists(log)) {
                continue;
            }
            if (!run.finished() || updatedAt(run).isAfter(cutoff)) {
                skipped.add(run.runId() + (run.finished() ? " (newer than the cut-off)" : " (" + run.status() + ")"));
                continue;
            }
            // A finished run may still be held by a process that is closing it: leave it to the next pass.
            Optional<RunLock> lock = RunLock.tryAcquire(state.checkpointDir(run.runId()).resolve("lock"));
            if (lock.isEmpty()) {
                skipped.add(run.runId() + " (in use by process " + RunLock.holder(state.checkpointDir(run.runId()).resolve("lock")) + ")");
                continue;
            }
            try (RunLock held = lock.get()) {
                if (!Files.exists(log)) {
                    continue;
                }
                AuditVerifier.Result verified = AuditVerifier.verify(log, run.runId());
                if (!verified.ok()) {
                    broken.add(run.runId() + ": line " + verified.badLine() + ": " + verified.reason());
                    continue;
                }
                Path target = dir.resolve(log.getFileName() + ".gz");
                gzip(log, target);
                // The snapshot says where the log went, before the log leaves: readers find it there (audit verify, /logs).
                checkpoints.writeSnapshot(run.withArchive(target.toAbsolutePath().toString()));
                Files.delete(log);
                archived.add(run.runId());
            }
        }
        Path metrics = null;
        if (Files.exists(state.metricsFile())) {
            metrics = dir.resolve("metrics-" + Instant.now().toString().replace(':', '-') + ".json.gz");
            gzip(state.metricsFile(), metrics);
        }
        return new Report(dir, archived, skipped, broken, metrics);
    }

    /** Parses durations such as {@code 7d}, {@code 12h}, {@code 30m} or {@code 0}. */
    public static Duration parseAge(String text) {
        String t = text.trim().toLowerCase();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (!t.matches("\\d+[dhm]")) {
            throw new IllegalArgumentException("'" + text + "' is not an age such as 7d, 12h or 30m");
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private static Instant updatedAt(Snapshot run) {
        try {
            return Instant.parse(run.updatedAt());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /** Compresses to a temporary file, fsyncs and renames: an archive is whole or absent. */
    private static void gzip(Path source, Path target) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (InputStream in = Files.newInputStream(source);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(temp))) {
            in.transferTo(out);
        }
        try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.fsyncDirectory(target.getParent());
    }
}
