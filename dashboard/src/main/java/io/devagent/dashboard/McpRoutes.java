package io.devagent.dashboard;

import io.devagent.view.StateView;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /mcp}: MCP endpoints and their status, credentials masked. */
final class McpRoutes {

    private final Vertx vertx;
    private final StateView view;

    McpRoutes(Vertx vertx, StateView view) {
        this.vertx = vertx;
        this.view = view;
    }

    void mount(Router router) {
        router.get("/mcp").handler(this::mcp);
    }

    private void mcp(RoutingContext ctx) {
        vertx.executeBlocking(view::mcpEndpoints, false).onComplete(ar -> {
            if (ar.succeeded()) {
                Http.json(ctx, 200, ar.result());
            } else {
                Http.error(ctx, 500, "cannot read the MCP endpoints file: " + ar.cause().getMessage());
            }
        });
    }
}
