package io.devagent.dashboard;

import io.devagent.state.StateView;
import io.devagent.workspace.RunDiff;
import io.devagent.workspace.WorkspaceException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * {@code GET /runs/<id>/diff[?step=N]}: the change a run made to its workspace, in the shape of
 * {@code agent diff --json}; 404 with an error when the run has no snapshot. Git runs off the
 * event loop.
 */
final class DiffRoute {

    private final Vertx vertx;
    private final StateView view;

    DiffRoute(Vertx vertx, StateView view) {
        this.vertx = vertx;
        this.view = view;
    }

    void handle(RoutingContext ctx) {
        String runId = ctx.pathParam("runId");
        String stepParam = ctx.request().getParam("step");
        Optional<Integer> step = stepParam == null || stepParam.isBlank() ? Optional.empty()
                : Optional.of((int) Http.number(ctx, "step", 0, 1, Integer.MAX_VALUE));
        vertx.executeBlocking(() -> {
            try {
                return (Object) RunDiff.of(view.state(), runId, step).toJson();
            } catch (WorkspaceException e) {
                return e.getMessage();
            }
        }, false).onSuccess(answer -> {
            if (answer instanceof String error) {
                Http.error(ctx, 404, error);
            } else {
                Http.json(ctx, 200, answer);
            }
        }).onFailure(ctx::fail);
    }
}
