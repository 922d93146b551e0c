package io.devagent.dashboard;

import io.devagent.json.Json;
import io.devagent.view.StateView;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.IntSupplier;

/**
 * {@code GET /health} ({@code {"status": "ok"}}, mounted before auth: it never wants a token) and
 * {@code GET /metrics} (Prometheus text; {@code ?format=json}: metrics.json as it is).
 */
final class MetricsRoutes {

    private final Vertx vertx;
    private final StateView view;
    private final FreshIndex index;
    private final IntSupplier openStreams;

    MetricsRoutes(Vertx vertx, StateView view, FreshIndex index, IntSupplier openStreams) {
        this.vertx = vertx;
        this.view = view;
        this.index = index;
        this.openStreams = openStreams;
    }

    static void mountHealth(Router router) {
        router.route("/health").handler(ctx -> Http.json(ctx, 200, Json.object().put("status", "ok")));
    }

    void mount(Router router) {
        router.get("/metrics").handler(this::metrics);
    }

    private void metrics(RoutingContext ctx) {
        boolean json = "json".equals(ctx.request().getParam("format"));
        if (json) {
            vertx.executeBlocking(view::metrics, false).onSuccess(m -> Http.json(ctx, 200, m)).onFailure(ctx::fail);
            return;
        }
        index.get().compose(runs -> vertx.executeBlocking(() -> PrometheusText.scrape(new PrometheusText.Inputs(view.metrics(), runs,
                        view.runtime(), view.policyStatus(), openStreams.getAsInt())), false))
                .onSuccess(text -> Http.send(ctx, 200, PrometheusText.CONTENT_TYPE, text))
                .onFailure(ctx::fail);
    }
}
