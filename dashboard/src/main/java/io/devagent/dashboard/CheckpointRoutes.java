package io.devagent.dashboard;

import io.devagent.checkpoint.Snapshot;
import io.devagent.view.StateView;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** {@code GET /checkpoints/<run_id>}: the run's latest snapshot, and {@code live}: whether it is running with its owner alive. */
final class CheckpointRoutes {

    private final Vertx vertx;
    private final StateView view;

    CheckpointRoutes(Vertx vertx, StateView view) {
        this.vertx = vertx;
        this.view = view;
    }

    void mount(Router router) {
        router.get("/checkpoints/:runId").handler(this::checkpoint);
    }

    private void checkpoint(RoutingContext ctx) {
        String runId = ctx.pathParam("runId");
        vertx.executeBlocking(() -> view.known(runId) ? view.run(runId) : Optional.<Snapshot>empty(), false).onSuccess(snapshot -> {
            if (snapshot.isEmpty()) {
                Http.error(ctx, 404, Http.noRun(runId));
            } else {
                // The snapshot as written, and whether its run is live (running with its owner alive).
                com.fasterxml.jackson.databind.node.ObjectNode body = io.devagent.json.Json.MAPPER.valueToTree(snapshot.get());
                body.put("live", RunRoutes.live(snapshot.get()));
                Http.json(ctx, 200, body);
            }
        }).onFailure(ctx::fail);
    }
}
