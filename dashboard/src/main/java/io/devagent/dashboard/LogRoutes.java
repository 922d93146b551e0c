package io.devagent.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import io.devagent.audit.AuditReader;
import io.devagent.json.Json;
import io.devagent.view.StateView;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A run's audit events:
 * <pre>
 * GET  /logs/&lt;run_id&gt;?from=&amp;limit=   events from seq `from` (default: the last `limit`)
 * GET  /logs/&lt;run_id&gt;?follow=true    the same as server-sent events, live, from `from` (default: new events only)
 * POST /logs/&lt;run_id&gt;/ticket         a single-use ticket that opens that stream (EventSource cannot send headers)
 * </pre>
 */
final class LogRoutes {

    private final Vertx vertx;
    private final StateView view;
    private final DashboardOptions options;
    private final Auth auth;
    private final AtomicInteger openStreams;

    LogRoutes(Vertx vertx, StateView view, DashboardOptions options, Auth auth, AtomicInteger openStreams) {
        this.vertx = vertx;
        this.view = view;
        this.options = options;
        this.auth = auth;
        this.openStreams = openStreams;
    }

    void mount(Router router) {
        router.get("/logs/:runId").handler(this::logs);
        router.post("/logs/:runId/ticket").handler(this::ticket);
    }

    private void logs(RoutingContext ctx) {
        String runId = ctx.pathParam("runId");
        boolean follow = "true".equals(ctx.request().getParam("follow"));
        long from = Http.number(ctx, "from", 0, 1, Long.MAX_VALUE);
        int limit = (int) Http.number(ctx, "limit", 100, 1, 1000);
        if (follow && from == 0) {
            // EventSource reconnects with the last id it saw: go on after it.
            String lastId = ctx.request().getHeader("Last-Event-ID");
            if (lastId != null && lastId.matches("\\d{1,18}")) {
                from = Long.parseLong(lastId) + 1;
            }
        }
        long fromSeq = from;
        vertx.executeBlocking(() -> view.known(runId), false).onSuccess(known -> {
            if (!known) {
                Http.error(ctx, 404, Http.noRun(runId));
                return;
            }
            if (follow) {
                if (openStreams.get() >= options.maxStreams()) {
                    ctx.response().putHeader("Retry-After", "5");
                    Http.error(ctx, 503, "too many live log streams are open (" + options.maxStreams() + ")");
                    return;
                }
                new LogFollower(vertx, ctx.response(), view, runId, options.followPoll(), openStreams).start(fromSeq);
                return;
            }
            vertx.executeBlocking(() -> page(runId, fromSeq > 0 ? view.auditFrom(runId, fromSeq, limit) : view.auditTail(runId, limit),
                            limit), false)
                    .onSuccess(body -> Http.send(ctx, 200, Http.JSON, body))
                    .onFailure(ctx::fail);
        }).onFailure(ctx::fail);
    }

    /** The page as JSON; each event goes in as its line, which the reader has checked to be one JSON object. */
    private static String page(String runId, AuditReader.Page page, int limit) throws IOException {
        long first = page.events().isEmpty() ? 0 : page.events().get(0).seq();
        long last = page.events().isEmpty() ? 0 : page.events().get(page.events().size() - 1).seq();
        StringWriter out = new StringWriter(page.events().size() * 1024 + 256);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("run_id", runId);
            json.writeNumberField("limit", limit);
            json.writeNumberField("last_seq", page.lastSeq());
            json.writeNumberField("first", first);
            json.writeNumberField("last", last);
            json.writeBooleanField("before", page.before());
            json.writeBooleanField("after", page.after());
            if (page.after() && last > 0) {
                json.writeNumberField("next_from", last + 1);
            } else {
                json.writeNullField("next_from");
            }
            json.writeArrayFieldStart("events");
            for (AuditReader.Event event : page.events()) {
                json.writeRawValue(event.line());
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toString();
    }

    private void ticket(RoutingContext ctx) {
        String runId = ctx.pathParam("runId");
        vertx.executeBlocking(() -> view.known(runId), false).onSuccess(known -> {
            if (!known) {
                Http.error(ctx, 404, Http.noRun(runId));
                return;
            }
            String ticket;
            try {
                ticket = auth.issueTicket(runId);
            } catch (IllegalStateException e) {
                ctx.response().putHeader("Retry-After", Long.toString(auth.ticketTtl().toSeconds()));
                Http.error(ctx, 429, e.getMessage());
                return;
            }
            Http.json(ctx, 201, Json.object().put("ticket", ticket).put("run_id", runId)
                    .put("expires_in_seconds", auth.ticketTtl().toSeconds()).put("single_use", true));
        }).onFailure(ctx::fail);
    }
}
