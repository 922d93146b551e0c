package io.devagent.cli;

import io.devagent.audit.AuditVerifier;
import io.devagent.json.Json;
import io.devagent.state.StateDir;
import io.devagent.view.StateView;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code agent audit verify ID} on the state directory: the hash chain of the run's audit log, live or archived. */
record LocalAuditVerify(StateDir state, PrintWriter out, PrintWriter err) {

    int verify(String runId, boolean json) {
        StateView view = new StateView(state);
        AuditVerifier.Result result;
        try {
            result = view.verifyAudit(runId);
        } catch (NoSuchFileException e) {
            err.println("error: " + (e.getReason() != null ? e.getReason() : "no audit log for run '" + runId + "' (" + e.getFile() + ")"));
            return ExitCodes.FAILED;
        } catch (IOException e) {
            err.println("error: cannot read the audit log of run " + runId + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
        Path live = state.auditLog(runId);
        // An archived run's chain is read from its archive (agent archive), and named so.
        String file = Files.exists(live) ? live.toString() : view.archivedAt(runId).orElse(live.toString());
        if (json) {
            var node = Json.object().put("run_id", runId).put("ok", result.ok()).put("events", result.events());
            if (!result.ok()) {
                node.put("bad_line", result.badLine()).put("reason", result.reason());
            }
            if (result.warning() != null) {
                node.put("warning", result.warning());
            }
            out.println(Json.write(node));
        } else if (result.ok()) {
            out.println("ok: " + file + ": " + result.events() + " events, the hash chain is intact");
            if (result.warning() != null) {
                err.println("warning: " + result.warning());
            }
        } else {
            err.println("broken: " + file + " line " + result.badLine() + ": " + result.reason()
                    + " (" + result.events() + " events before it verify)");
        }
        return result.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
