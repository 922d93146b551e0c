package io.devagent.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.metrics.MetricsFile;
import io.devagent.state.RunIndex;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code GET /runs?offset=&limit=&status=}: runs, most recently updated first, paged. */
final class RunRoutes {

    private static final List<String> STATUSES = List.of(Snapshot.RUNNING, Snapshot.PAUSED, Snapshot.SUCCEEDED, Snapshot.FAILED);
    static final int GOAL_CHARS = 300;

    private final FreshIndex index;

    RunRoutes(FreshIndex index) {
        this.index = index;
    }

    void mount(Router router) {
        router.get("/runs").handler(this::runs);
    }

    private void runs(RoutingContext ctx) {
        long offset = Http.number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = (int) Http.number(ctx, "limit", 50, 1, 500);
        String status = ctx.request().getParam("status");
        if (status != null && !status.isBlank() && !STATUSES.contains(status)) {
            throw new Http.BadRequest("status must be one of " + String.join(", ", STATUSES) + ", not '" + Http.abbreviate(status) + "'");
        }
        String wanted = status == null || status.isBlank() ? null : status;
        index.get().onSuccess(view -> Http.json(ctx, 200, page(view, wanted, offset, limit))).onFailure(ctx::fail);
    }

    private static ObjectNode page(RunIndex.View index, String wanted, long offset, int limit) {
        List<Snapshot> all = wanted == null ? index.runs() : index.runs().stream().filter(s -> wanted.equals(s.status())).toList();
        int from = (int) Math.min(offset, all.size());
        int to = Math.min(all.size(), from + limit);
        ObjectNode body = Json.object();
        body.put("total", all.size()).put("offset", offset).put("limit", limit);
        if (to < all.size()) {
            body.put("next_offset", to);
        } else {
            body.putNull("next_offset");
        }
        body.set("counts", Json.MAPPER.valueToTree(index.counts()));
        body.put("indexed_ms_ago", TimeUnit.NANOSECONDS.toMillis(index.ageNanos(System.nanoTime())));
        ArrayNode runs = body.putArray("runs");
        for (Snapshot s : all.subList(from, to)) {
            runs.add(row(s));
        }
        return body;
    }

    private static ObjectNode row(Snapshot s) {
        ObjectNode row = Json.object().put("run_id", s.runId()).put("status", s.status()).put("current_step", s.currentStep())
                .put("updated_at", s.updatedAt()).put("created_at", s.createdAt()).put("model", s.model());
        row.put("goal", clip(s.goal()));
        row.set("tokens", MetricsFile.tokensJson(s.tokens() == null ? Snapshot.Tokens.ZERO : s.tokens()));
        if (s.lastTool() != null) {
            row.put("last_tool", s.lastTool());
        }
        if (s.message() != null) {
            row.put("message", clip(s.message()));
        }
        return row;
    }

    static String clip(String text) {
        return text == null ? null : text.length() > GOAL_CHARS ? text.substring(0, GOAL_CHARS) + "…" : text;
    }
}
