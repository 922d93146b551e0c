package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.Snapshot;
import io.devagent.daemon.Protocol;
import io.devagent.daemon.RuntimeClient;
import io.devagent.json.Json;
import io.devagent.run.ApprovalDesk;
import io.devagent.state.PidFile;
import io.devagent.view.StateView;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's approvals: {@code GET /approvals} lists the runs that wait for a person's answer
 * with the call each waits on; {@code POST /runs/<id>/approve} and {@code POST /runs/<id>/deny}
 * (body {@code {"reason": "…"}}, optional) answer. With a main runtime alive the answer goes to it
 * and the run goes on there at once; else the answer is recorded and the run is left {@code paused}
 * for {@code agent checkpoints resume}. Registered behind the dashboard's token check.
 */
final class ApprovalRoutes {

    private final Vertx vertx;
    private final StateView view;

    ApprovalRoutes(Vertx vertx, StateView view) {
        this.vertx = vertx;
        this.view = view;
    }

    void register(Router router) {
        router.get("/approvals").handler(this::list);
        router.post("/runs/:runId/approve").handler(ctx -> answer(ctx, true));
        router.post("/runs/:runId/deny").handler(ctx -> answer(ctx, false));
    }

    private void list(RoutingContext ctx) {
        vertx.executeBlocking(() -> {
            ArrayNode waiting = Json.array();
            for (Snapshot run : view.runs()) {
                if (Snapshot.AWAITING_APPROVAL.equals(run.status())) {
                    ObjectNode item = waiting.addObject().put("run_id", run.runId()).put("goal", run.goal())
                            .put("current_step", run.currentStep()).put("updated_at", run.updatedAt());
                    item.set("approval", run.approval());
                }
            }
            return Json.object().<ObjectNode>set("runs", waiting);
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                Http.json(ctx, 200, ar.result());
            }
        });
    }

    private void answer(RoutingContext ctx, boolean approved) {
        String runId = ctx.pathParam("runId");
        String by = "dashboard (" + ctx.request().remoteAddress().hostAddress() + ")";
        ctx.request().body().onComplete(body -> {
            String reason = null;
            if (body.succeeded() && body.result().length() > 0) {
                try {
                    JsonNode parsed = Json.parse(body.result().toString());
                    reason = parsed.hasNonNull("reason") ? parsed.get("reason").asText() : null;
                } catch (IOException e) {
                    Http.error(ctx, 400, "the body must be JSON, e.g. {\"reason\": \"…\"}");
                    return;
                }
            }
            String why = reason;
            vertx.executeBlocking(() -> decide(runId, approved, why, by), false).onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(ar.cause());
                } else {
                    Http.json(ctx, ar.result().path("status_code").asInt(200), ar.result());
                }
            });
        });
    }

    /** Answers through the main runtime when one is alive, else here; the result carries its HTTP status. */
    private ObjectNode decide(String runId, boolean approved, String reason, String by) throws IOException {
        if (!view.known(runId)) {
            return failure(404, "no run with id '" + runId + "'");
        }
        String answered = approved ? "approved" : "denied";
        Optional<PidFile.Owner> runtime = view.runtime();
        if (runtime.isPresent()) {
            try (RuntimeClient client = RuntimeClient.connect(view.state(), runtime.get())) {
                ObjectNode request = Protocol.answerRequest(runId, approved, reason, by, java.nio.file.Path.of("."), true);
                request.remove("workspace");
                RuntimeClient.Outcome outcome = client.follow(request, (id, resumed) -> {
                });
                return switch (outcome) {
                    case RuntimeClient.Outcome.Detached d -> Json.object().put("status_code", 200).put("run_id", runId)
                            .put("answer", answered).put("by", by).put("status", Snapshot.RUNNING)
                            .put("message", answered + "; the run goes on in the main runtime (pid " + runtime.get().pid() + ")");
                    case RuntimeClient.Outcome.Refused r -> failure(r.exitCode() == Protocol.EXIT_USAGE ? 409 : 500, r.message());
                    case RuntimeClient.Outcome.Finished f -> Json.object().put("status_code", 200).put("run_id", runId)
                            .put("answer", answered).put("by", by).put("status", f.result().status());
                    case RuntimeClient.Outcome.Lost l -> failure(502, "lost the main runtime: " + l.why());
                };
            }
        }
        try {
            new ApprovalDesk(view.state(), Redactor.from(view.state().env(), List.of())).answer(runId, approved, reason, by);
        } catch (ApprovalDesk.Refused e) {
            return failure(409, e.getMessage());
        }
        return Json.object().put("status_code", 200).put("run_id", runId).put("answer", answered).put("by", by)
                .put("status", Snapshot.PAUSED)
                .put("message", answered + "; no main runtime is running, so the run goes on when resumed: agent checkpoints resume " + runId);
    }

    private static ObjectNode failure(int status, String message) {
        return Json.object().put("status_code", status).put("error", message).put("status", status);
    }
}
