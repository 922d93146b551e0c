package io.devagent.view;

import io.devagent.state.StateDir;
import io.devagent.state.PidFile;
import io.devagent.audit.AuditReader;
import io.devagent.audit.AuditVerifier;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
import io.devagent.mcp.EndpointsFile;
import io.devagent.metrics.MetricsFile;
import io.devagent.policy.PolicyHolder;
import io.devagent.policy.ReloadResult;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a state directory, for the CLI's listings and the dashboard. It reads through
 * the same classes that write the files, so each format has one reader and one writer.
 */
public final class StateView {

    private final StateDir state;
    private final Checkpoints checkpoints;
    private final RunIndex index;
    private final RunLiveness liveness;

    public StateView(StateDir state) {
        this.state = state;
        this.checkpoints = new Checkpoints(state);
        this.index = new RunIndex(state, checkpoints);
        this.liveness = new RunLiveness(state);
    }

    public StateDir state() {
        return state;
    }

    /** Every run's latest snapshot, most recently updated first; a {@code running} run nobody holds shows {@code interrupted}. */
    public List<Snapshot> runs() {
        return checkpoints.list().stream().map(liveness::shown).toList();
    }

    /** A run's latest snapshot, its status as {@link RunLiveness} shows it. */
    public Optional<Snapshot> run(String runId) {
        return checkpoints.snapshot(runId).map(liveness::shown);
    }

    public Optional<Snapshot> latest() {
        return checkpoints.latest().map(liveness::shown);
    }

    public boolean exists(String runId) {
        return checkpoints.exists(runId);
    }

    /** Verifies a run's audit chain, archived or not. */
    public AuditVerifier.Result verifyAudit(String runId) throws IOException {
        var file = auditFile(runId);
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no audit log for run " + runId);
        }
        return AuditVerifier.verify(file, runId);
    }

    /**
     * Where a run's audit log can be read: {@code audit/run-<id>.jsonl}, or, once {@code agent archive} moved
     * it, a readable copy of the archive its snapshot names. An archive that is gone is reported with its path.
     */
    public java.nio.file.Path auditFile(String runId) throws IOException {
        var live = state.auditLog(requireValid(runId));
        if (Files.exists(live)) {
            return live;
        }
        Optional<String> archived = checkpoints.snapshot(runId).map(Snapshot::archive);
        if (archived.isEmpty()) {
            return live;
        }
        var gz = java.nio.file.Path.of(archived.get());
        if (!Files.exists(gz)) {
            throw new java.nio.file.NoSuchFileException(gz.toString(), null,
                    "the audit log of run " + runId + " was archived to " + gz + ", which is no longer there");
        }
        return io.devagent.audit.ArchivedLog.readable(gz);
    }

    /** Where {@code agent archive} put the run's audit log, if it did. */
    public Optional<String> archivedAt(String runId) {
        return checkpoints.snapshot(runId).map(Snapshot::archive);
    }

    public ObjectNode metrics() {
        return MetricsFile.read(state.metricsFile());
    }

    /**
     * Every run's snapshot kept in memory and refreshed by file attributes, for readers that list
     * runs often over many runs (the dashboard). {@link #runs()} reads every snapshot afresh.
     */
    public RunIndex index() {
        return index;
    }

    /** Whether a run is known: it has a checkpoint directory or an audit log. An id that names a path outside them never is. */
    public boolean known(String runId) {
        return confined(runId) && (Files.isDirectory(state.checkpointDir(runId)) || Files.exists(state.auditLog(runId)));
    }

    /** The last {@code limit} events of a run's audit log (none when it has no log yet). */
    public AuditReader.Page auditTail(String runId, int limit) throws IOException {
        return AuditReader.tail(auditFile(runId), limit);
    }

    /** Up to {@code limit} events of a run's audit log from {@code fromSeq} on. */
    public AuditReader.Page auditFrom(String runId, long fromSeq, int limit) throws IOException {
        return AuditReader.from(auditFile(runId), fromSeq, limit);
    }

    /** The byte offset of the first event at or after {@code seq}, or of the end when {@code seq} is 0 or less: where a follower starts. */
    public long auditOffset(String runId, long seq) throws IOException {
        var file = auditFile(runId);
        return seq <= 0 ? AuditReader.end(file) : AuditReader.offsetOf(file, seq);
    }

    /** The complete events appended from {@code offset} on, at most about {@code maxBytes}. */
    public AuditReader.Chunk auditSince(String runId, long offset, int maxBytes) throws IOException {
        return AuditReader.readFrom(auditFile(runId), offset, maxBytes);
    }

    /** Feeds a run's complete audit lines from {@code offset} on, as bytes, to {@code sink}; see {@link AuditReader#scan}. */
    public long auditScan(String runId, long offset, int maxBytes, AuditReader.LineSink sink) throws IOException {
        return AuditReader.scan(state.auditLog(requireValid(runId)), offset, maxBytes, sink);
    }

    /** The main runtime named by {@code agent.pid} when it is alive. */
    public Optional<PidFile.Owner> runtime() {
        return PidFile.live(state.pidFile());
    }

    /** The main runtime's last policy load or reload ({@code policies/status.json}). */
    public Optional<ReloadResult> policyStatus() {
        return PolicyHolder.status(state.policyStatus());
    }

    /** {@code tools/mcp_endpoints.json} with every credential masked (as {@code EndpointsFile.readRedacted} gives it). */
    public ObjectNode mcpEndpoints() {
        return EndpointsFile.readRedacted(state.mcpEndpoints());
    }

    /** Whether the id names a file and a directory inside {@code audit/} and {@code checkpoints/}, not a path elsewhere. */
    private boolean confined(String runId) {
        if (runId == null || runId.isEmpty() || runId.indexOf('/') >= 0 || runId.indexOf('\\') >= 0 || runId.indexOf('\0') >= 0) {
            return false;
        }
        try {
            return state.checkpointDir(runId).normalize().getParent().equals(state.checkpoints().normalize())
                    && state.auditLog(runId).normalize().getParent().equals(state.auditDir().normalize());
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private String requireValid(String runId) {
        if (!confined(runId)) {
            throw new IllegalArgumentException("'" + runId + "' is not a run id");
        }
        return runId;
    }
}
