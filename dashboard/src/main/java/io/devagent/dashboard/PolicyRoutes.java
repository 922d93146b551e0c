package io.devagent.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.policy.PolicyReload;
import io.devagent.view.StateView;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * <pre>
 * GET  /policies          the main runtime (alive or not) and its last policy load
 * POST /policies/reload   SIGHUP to the main runtime; its answer (200 accepted, 422 rejected)
 * </pre>
 */
final class PolicyRoutes {

    private final Vertx vertx;
    private final StateView view;
    private final DashboardOptions options;
    private final ReloadLimiter reloads;

    PolicyRoutes(Vertx vertx, StateView view, DashboardOptions options) {
        this.vertx = vertx;
        this.view = view;
        this.options = options;
        this.reloads = new ReloadLimiter(options.reloadInterval());
    }

    void mount(Router router) {
        router.get("/policies").handler(this::policies);
        router.post("/policies/reload").handler(this::reload);
    }

    private void policies(RoutingContext ctx) {
        vertx.executeBlocking(() -> {
            ObjectNode body = Json.object();
            ObjectNode runtime = body.putObject("runtime");
            var owner = view.runtime();
            runtime.put("alive", owner.isPresent());
            owner.ifPresent(o -> {
                runtime.put("pid", o.pid());
                if (o.started() != null) {
                    runtime.put("started", o.started().toString());
                }
            });
            var status = view.policyStatus();
            if (status.isPresent()) {
                body.set("status", Json.MAPPER.valueToTree(status.get()));
            } else {
                body.putNull("status");
            }
            body.put("file", view.state().policyFile().toString());
            return body;
        }, false).onSuccess(body -> Http.json(ctx, 200, body)).onFailure(ctx::fail);
    }

    private void reload(RoutingContext ctx) {
        long waitMillis = reloads.tryAcquire(System.nanoTime());
        if (waitMillis > 0) {
            long seconds = Math.max(1, (waitMillis + 999) / 1000);
            ctx.response().putHeader("Retry-After", Long.toString(seconds));
            Http.json(ctx, 429, Json.object().put("error", "a policy reload was asked for less than "
                    + options.reloadInterval().toMillis() / 1000.0 + " s ago or is under way; try again in " + seconds + " s")
                    .put("status", 429).put("retry_after_seconds", seconds));
            return;
        }
        vertx.executeBlocking(() -> PolicyReload.request(view.state(), options.reloadWait()), false).onComplete(ar -> {
            reloads.release();
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            PolicyReload.Outcome outcome = ar.result();
            switch (outcome.kind()) {
                case ANSWERED -> Http.json(ctx, outcome.result().ok() ? 200 : 422, outcome.result());
                case NO_RUNTIME -> Http.json(ctx, 409, Json.object().put("error", outcome.message()).put("status", 409)
                        .put("outcome", "no_runtime"));
                case SIGNAL_FAILED, NO_ANSWER -> Http.json(ctx, 503, Json.object().put("error", outcome.message()).put("status", 503)
                        .put("outcome", outcome.kind() == PolicyReload.Outcome.Kind.NO_ANSWER ? "no_answer" : "signal_failed")
                        .put("pid", outcome.pid()));
            }
        });
    }
}
