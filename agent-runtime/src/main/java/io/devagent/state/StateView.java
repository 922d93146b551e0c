package io.devagent.state;

import io.devagent.audit.AuditVerifier;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
import io.devagent.mcp.EndpointsFile;
import io.devagent.metrics.MetricsFile;

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

    public StateView(StateDir state) {
        this.state = state;
        this.checkpoints = new Checkpoints(state);
    }

    public StateDir state() {
        return state;
    }

    /** Every run's latest snapshot, most recently updated first. */
    public List<Snapshot> runs() {
        return checkpoints.list();
    }

    public Optional<Snapshot> run(String runId) {
        return checkpoints.snapshot(runId);
    }

    public Optional<Snapshot> latest() {
        return checkpoints.latest();
    }

    public boolean exists(String runId) {
        return checkpoints.exists(runId);
    }

    /** Verifies a run's audit chain. */
    public AuditVerifier.Result verifyAudit(String runId) throws IOException {
        var file = state.auditLog(runId);
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no audit log for run " + runId);
        }
        return AuditVerifier.verify(file, runId);
    }

    /** The live main runtime of this state directory, if any (a stale agent.pid is not one). */
    public Optional<PidFile.Owner> mainRuntime() {
        return PidFile.live(state.pidFile());
    }

    /** The main runtime's last policy load or reload. */
    public Optional<io.devagent.policy.ReloadResult> policyStatus() {
        return io.devagent.policy.PolicyHolder.status(state.policyStatus());
    }

    public ObjectNode metrics() {
        return MetricsFile.read(state.metricsFile());
    }

    /** {@code tools/mcp_endpoints.json} with every secret replaced by {@code [REDACTED]} ({@link EndpointsFile#readRedacted}). */
    public ObjectNode mcpEndpoints() {
        return EndpointsFile.readRedacted(state.mcpEndpoints());
    }
}
