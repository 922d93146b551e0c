package io.devagent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.Redactor;
import io.devagent.run.ApprovalDesk;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The main runtime's side of {@code {"op":"answer"}}: records the answer through the
 * {@link ApprovalDesk} and turns the request into the {@code resume} the runtime then serves; or,
 * when the run is not waiting (or does not exist), the {@code error} event to send instead.
 */
final class AnswerOp {

    private AnswerOp() {
    }

    static ObjectNode take(JsonNode request, StateDir state, Redactor redactor) {
        String runId = Protocol.text(request, "run_id");
        if (runId == null || runId.isBlank()) {
            return Protocol.error("answer needs a run_id", Protocol.EXIT_USAGE);
        }
        String by = Protocol.text(request, "by");
        try {
            new ApprovalDesk(state, redactor).answer(runId, request.path("approved").asBoolean(false), Protocol.text(request, "reason"),
                    by == null || by.isBlank() ? "a client of the main runtime" : by);
        } catch (ApprovalDesk.Refused e) {
            return Protocol.error(e.getMessage(), Protocol.EXIT_USAGE);
        } catch (IOException e) {
            return Protocol.error("cannot record the answer: " + e.getMessage(), Protocol.EXIT_FAILED);
        }
        String workspace = Protocol.text(request, "workspace");
        ObjectNode resume = Protocol.resumeRequest(runId, Path.of(workspace == null ? "." : workspace), request.path("detach").asBoolean(false));
        if (workspace == null) {
            resume.remove("workspace"); // the dashboard answers for no workspace of its own: the runtime's is meant
        }
        return resume;
    }
}
