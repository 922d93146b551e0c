package io.devagent.workspace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.json.Json;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code agent apply ID}: brings the change an isolated run made in its own worktree into the
 * working tree it was kept apart from. A file there that is neither as the run found it nor as the
 * run left it is a conflict: nothing is applied, and the conflicting files are named.
 */
public final class Apply {

    /** What was applied, and where. */
    public record Result(String runId, Path into, List<String> files) {
        public ObjectNode toJson() {
            ObjectNode node = Json.object().put("run_id", runId).put("workspace", into.toString());
            files.forEach(node.putArray("files")::add);
            return node;
        }
    }

    private Apply() {
    }

    public static Result run(StateDir state, String runId, Redactor redactor) throws WorkspaceException, ChangeConflict {
        RunSnapshots snapshots = RunSnapshots.of(state, runId).orElseThrow(() -> RunDiff.noSnapshot(runId));
        Path into = Isolation.mainWorkspaceOf(snapshots.workspace()).orElseThrow(() -> new WorkspaceException("run " + runId
                + " worked in " + snapshots.workspace() + " itself, not in a worktree of its own: its change is already there"));
        RunSnapshots.Point start = snapshots.start().orElseThrow(() -> RunDiff.noSnapshot(runId));
        RunSnapshots.Point last = snapshots.latest();
        ChangeMover.Moved moved = new ChangeMover(snapshots).move(start.commit(), last.commit(), into, false,
                "not applied: these files in " + into + " were changed since run " + runId + " started");
        Result result = new Result(runId, into, moved.files());
        try (AuditLog audit = AuditLog.open(state.auditLog(runId), runId, redactor)) {
            audit.append("workspace_applied", result.toJson().put("commit", last.commit()));
            audit.sync();
        } catch (IOException e) {
            throw new WorkspaceException("applied, but the audit of run " + runId + " could not record it: " + e.getMessage());
        }
        return result;
    }
}
