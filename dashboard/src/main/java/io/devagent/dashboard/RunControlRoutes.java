package io.devagent.dashboard;

import io.devagent.daemon.RunSteering;
import io.devagent.json.Json;
import io.devagent.run.RunException;
import io.devagent.view.StateView;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Per-run control from the dashboard, behind its token like every route but {@code /health}:
 * <pre>
 * POST /runs/&lt;run_id&gt;/pause    {"reason": "optional"}   pause the run (as a person: a restart leaves it alone)
 * POST /runs/&lt;run_id&gt;/cancel   {"reason": "optional"}   end the run for good (status cancelled)
 * </pre>
 * Answered with {@code {"run_id", "status", "via"}} once the run has saved itself; 404 for an unknown
 * run, 409 for one that has ended (or, for a pause, waits for approval). The same path as
 * {@code agent checkpoints pause} and {@code agent cancel} ({@link RunSteering}).
 */
final class RunControlRoutes {

    private static final int MAX_BODY = 4096;

    private final Vertx vertx;
    private final StateView view;

    private RunControlRoutes(Vertx vertx, StateView view) {
        this.vertx = vertx;
        this.view = view;
    }

    static void mount(Router router, Vertx vertx, StateView view) {
        RunControlRoutes routes = new RunControlRoutes(vertx, view);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        router.post("/runs/:runId/pause").handler(body).handler(ctx -> routes.steer(ctx, false));
        router.post("/runs/:runId/cancel").handler(body).handler(ctx -> routes.steer(ctx, true));
    }

    private void steer(RoutingContext ctx, boolean cancel) {
        String runId = ctx.pathParam("runId");
        String reason;
        try {
            io.vertx.core.buffer.Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
            JsonObject json = raw == null || raw.toString().isBlank() ? new JsonObject() : new JsonObject(raw);
            reason = json.getString("reason");
        } catch (RuntimeException e) {
            Http.error(ctx, 400, "the body must be a JSON object such as {\"reason\": \"...\"}");
            return;
        }
        vertx.executeBlocking(() -> view.known(runId), false).onSuccess(known -> {
            if (!known) {
                Http.error(ctx, 404, "no run with id '" + Http.abbreviate(runId) + "'");
                return;
            }
            vertx.executeBlocking(() -> {
                RunSteering steering = RunSteering.forState(view.state());
                try {
                    RunSteering.Outcome outcome = cancel ? steering.cancel(runId, reason) : steering.pause(runId, reason);
                    return Json.object().put("run_id", outcome.runId()).put("status", outcome.status()).put("via", outcome.via());
                } catch (RunException e) {
                    return Json.object().put("error", e.getMessage()).put("status", 409);
                }
            }, false).onSuccess(answer -> Http.json(ctx, answer.has("error") ? 409 : 200, answer)).onFailure(ctx::fail);
        }).onFailure(ctx::fail);
    }
}
