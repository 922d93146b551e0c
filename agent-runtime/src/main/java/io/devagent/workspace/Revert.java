package io.devagent.workspace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.json.Json;
import io.devagent.state.RunLock;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code agent revert ID [--to-step N]}: puts the files the run changed (after step N) back as they
 * were, and records it in the run's audit. A file changed again after the run stops the revert
 * (named in the refusal) unless {@code force} asks for a three-way merge.
 */
public final class Revert {

    /** What a revert did. */
    public record Result(String runId, int toStep, List<String> files, List<String> merged, List<String> conflicted) {
        public ObjectNode toJson() {
            ObjectNode node = Json.object().put("run_id", runId).put("to_step", toStep);
            files.forEach(node.putArray("files")::add);
            merged.forEach(node.putArray("merged")::add);
            conflicted.forEach(node.putArray("conflicted")::add);
            return node;
        }
    }

    private Revert() {
    }

    public static Result run(StateDir state, String runId, Optional<Integer> toStep, boolean force, Redactor redactor)
            throws WorkspaceException, ChangeConflict {
        RunSnapshots snapshots = RunSnapshots.of(state, runId).orElseThrow(() -> new WorkspaceException("run '" + runId
                + "' has no workspace snapshot (an unknown run, or one from before snapshots were recorded); there is nothing to revert"));
        if (toStep.isPresent() && toStep.get() < 0) {
            throw new WorkspaceException("--to-step must be 0 or more, not " + toStep.get());
        }
        // A run that is still working would write over the revert: it must be stopped first.
        try (RunLock lock = RunLock.tryAcquire(state.checkpointDir(runId).resolve("lock")).orElseThrow(() -> new WorkspaceException(
                "run " + runId + " is still running (process " + RunLock.holder(state.checkpointDir(runId).resolve("lock"))
                        + "); pause or cancel it before reverting"))) {
            RunSnapshots.Point target = toStep.isPresent() ? snapshots.atStep(toStep.get())
                    : snapshots.start().orElseThrow(() -> RunDiff.noSnapshot(runId));
            RunSnapshots.Point last = snapshots.latest();
            ChangeMover.Moved moved = new ChangeMover(snapshots).move(last.commit(), target.commit(), snapshots.workspace(), force,
                    "not reverted: these files were changed again after run " + runId + " (use --force to merge)");
            Result result = new Result(runId, target.step(), moved.files(), moved.merged(), moved.conflicted());
            try (AuditLog audit = AuditLog.open(state.auditLog(runId), runId, redactor)) {
                audit.append("workspace_reverted", result.toJson().put("forced", force).put("from_commit", last.commit())
                        .put("to_commit", target.commit()));
                audit.sync();
            }
            return result;
        } catch (IOException e) {
            throw new WorkspaceException("cannot record the revert of run " + runId + ": " + e.getMessage());
        }
    }
}
