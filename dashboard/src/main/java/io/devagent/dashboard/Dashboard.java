package io.devagent.dashboard;

import io.devagent.model.Tokens;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditReader;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.metrics.MetricsFile;
import io.devagent.policy.PolicyReload;
import io.devagent.view.RunIndex;
import io.devagent.view.StateView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The dashboard: a Vert.x web server over one state directory, which it only reads, through the
 * {@link StateView}. Routes (JSON unless said otherwise):
 * <pre>
 * GET  /health                       {"status": "ok"}; never wants a token
 * GET  /runs?offset=&limit=&status=  runs, most recently updated first, paged
 * GET  /checkpoints/&lt;run_id&gt;         the run's latest snapshot
 * GET  /logs/&lt;run_id&gt;?from=&limit=    audit events from seq `from` (default: the last `limit`)
 * GET  /logs/&lt;run_id&gt;?follow=true     the same as server-sent events, live, from `from` (default: new events only)
 * POST /logs/&lt;run_id&gt;/ticket          a single-use ticket that opens that stream (EventSource cannot send headers)
 * GET  /metrics                       Prometheus text (?format=json: metrics.json as it is)
 * GET  /mcp                           MCP endpoints and their status, credentials masked
 * GET  /policies                      the main runtime (alive or not) and its last policy load
 * POST /policies/reload               SIGHUP to the main runtime; its answer (200 accepted, 422 rejected)
 * GET  /                              the web page
 * </pre>
 * Everything that touches a file or a process runs on Vert.x's worker pool, never on the event loop.
 */
public final class Dashboard implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Dashboard.class.getName());
    private static final List<String> STATUSES = List.of(Snapshot.RUNNING, Snapshot.INTERRUPTED, Snapshot.PAUSED, Snapshot.AWAITING_APPROVAL,
            Snapshot.SUCCEEDED, Snapshot.FAILED, Snapshot.CANCELLED);
    private static final int GOAL_CHARS = 300;

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final StateView view;
    private final DashboardOptions options;
    private final Auth auth;
    private final ReloadLimiter reloads;
    private final StaticAssets assets = new StaticAssets();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicReference<Future<RunIndex.View>> refreshing = new AtomicReference<>();
    private HttpServer server;

    private Dashboard(Vertx vertx, boolean ownsVertx, StateView view, DashboardOptions options) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.view = view;
        this.options = options;
        this.auth = new Auth(options.token(), options.ticketTtl());
        this.reloads = new ReloadLimiter(options.reloadInterval());
    }

    /** Starts the dashboard on a Vert.x instance the caller owns (and closes). */
    public static Future<Dashboard> start(Vertx vertx, StateView view, DashboardOptions options) {
        Dashboard dashboard = new Dashboard(vertx, false, view, options);
        return dashboard.listen();
    }

    /** Starts the dashboard on a Vert.x instance of its own, closed with it; waits until it listens. */
    public static Dashboard start(StateView view, DashboardOptions options) throws Exception {
        // The page is served from memory: Vert.x need not resolve or cache files (the root file system may be read-only).
        Vertx vertx = Vertx.vertx(new VertxOptions().setFileSystemOptions(new FileSystemOptions()
                .setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        Dashboard dashboard = new Dashboard(vertx, true, view, options);
        try {
            return dashboard.listen().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            vertx.close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    /** The port it listens on (the one picked when 0 was asked). */
    public int port() {
        return server.actualPort();
    }

    public String url() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port() + "/";
    }

    public DashboardOptions options() {
        return options;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the dashboard's server", e);
        }
        if (ownsVertx) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing the dashboard's Vert.x", e);
            }
        }
    }

    private Future<Dashboard> listen() {
        Router router = router();
        HttpServerOptions serverOptions = new HttpServerOptions().setHost(options.host()).setPort(options.port());
        return vertx.createHttpServer(serverOptions).requestHandler(router).listen().map(s -> {
            server = s;
            return this;
        });
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer");
            ctx.next();
        });
        router.route("/health").handler(ctx -> Http.json(ctx, 200, Json.object().put("status", "ok")));
        router.route().handler(auth);
        router.route().handler(this::sameOrigin);

        for (String path : assets.paths()) {
            router.get(path).handler(assets::serve);
        }
        router.get("/runs").handler(this::runs);
        router.get("/runs/:runId/diff").handler(new DiffRoute(vertx, view)::handle);
        router.get("/checkpoints/:runId").handler(this::checkpoint);
        router.get("/logs/:runId").handler(this::logs);
        router.post("/logs/:runId/ticket").handler(this::ticket);
        router.get("/metrics").handler(this::metrics);
        router.get("/mcp").handler(this::mcp);
        router.get("/policies").handler(this::policies);
        router.post("/policies/reload").handler(this::reload);
        new ApprovalRoutes(vertx, view).register(router);
        RunControlRoutes.mount(router, vertx, view); // POST /runs/<id>/pause and /cancel

        router.route().failureHandler(this::failure);
        router.errorHandler(404, ctx -> Http.error(ctx, 404, "no such route: " + ctx.request().method() + " " + ctx.request().path()));
        router.errorHandler(405, ctx -> Http.error(ctx, 405, "method " + ctx.request().method() + " is not allowed on "
                + ctx.request().path()));
        return router;
    }

    /**
     * A browser sends {@code Origin} with every POST; one from another site is refused, so that a page
     * elsewhere cannot make the user's browser reload the policy when auth is off.
     */
    private void sameOrigin(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        if (ctx.request().method() != HttpMethod.POST || origin == null) {
            ctx.next(); // reads, or not a browser (curl, scripts): nothing to forge
            return;
        }
        String host = ctx.request().getHeader("Host");
        try {
            URI uri = URI.create(origin);
            String originHost = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            if (host != null && (originHost.equalsIgnoreCase(host) || uri.getPort() < 0 && host.equalsIgnoreCase(uri.getHost() + ":80"))) {
                ctx.next();
                return;
            }
        } catch (IllegalArgumentException e) {
            // not a URI: refused below
        }
        Http.error(ctx, 403, "cross-origin requests are refused (Origin " + Http.abbreviate(origin) + ")");
    }

    private void failure(RoutingContext ctx) {
        Throwable cause = ctx.failure();
        if (cause instanceof Http.BadRequest bad) {
            Http.error(ctx, 400, bad.getMessage());
            return;
        }
        int status = ctx.statusCode() >= 400 && ctx.statusCode() != 500 ? ctx.statusCode() : 500;
        if (status == 500) {
            LOG.log(Level.WARNING, "dashboard: " + ctx.request().method() + " " + ctx.request().path() + " failed", cause);
        }
        Http.error(ctx, status, status == 500 ? "internal error: " + (cause == null ? "unknown" : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage())) : "request failed");
    }

    // ---- /runs

    private void runs(RoutingContext ctx) {
        long offset = Http.number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = (int) Http.number(ctx, "limit", 50, 1, 500);
        String status = ctx.request().getParam("status");
        if (status != null && !status.isBlank() && !STATUSES.contains(status)) {
            throw new Http.BadRequest("status must be one of " + String.join(", ", STATUSES) + ", not '" + Http.abbreviate(status) + "'");
        }
        String wanted = status == null || status.isBlank() ? null : status;
        runIndex().onSuccess(index -> {
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
            Http.json(ctx, 200, body);
        }).onFailure(ctx::fail);
    }

    private static ObjectNode row(Snapshot s) {
        ObjectNode row = Json.object().put("run_id", s.runId()).put("status", s.status()).put("current_step", s.currentStep())
                .put("updated_at", s.updatedAt()).put("created_at", s.createdAt()).put("model", s.model());
        row.put("goal", s.goal() == null ? null : s.goal().length() > GOAL_CHARS ? s.goal().substring(0, GOAL_CHARS) + "…" : s.goal());
        row.set("tokens", MetricsFile.tokensJson(s.tokens() == null ? Tokens.ZERO : s.tokens()));
        if (s.lastTool() != null) {
            row.put("last_tool", s.lastTool());
        }
        if (s.continuedFrom() != null) {
            row.put("continued_from", s.continuedFrom()); // a follow-up (agent run --continue) of that run
        }
        if (s.archive() != null) {
            row.put("archive", s.archive()); // archived: its log is read from there
        }
        if (s.message() != null) {
            row.put("message", s.message().length() > GOAL_CHARS ? s.message().substring(0, GOAL_CHARS) + "…" : s.message());
        }
        return row;
    }

    /**
     * The run index, fresh enough: a view younger than {@code runsMaxAge} is served as it is. An older
     * one is refreshed (one refresh at a time, off the event loop) and the request waits for it, unless a
     * refresh is already under way and the view is still recent, in which case it is served at once:
     * under load at most one request per interval waits, and an idle dashboard does no work at all.
     */
    private Future<RunIndex.View> runIndex() {
        RunIndex.View current = view.index().current();
        long age = current.ageNanos(System.nanoTime());
        long maxAge = options.runsMaxAge().toNanos();
        if (current != RunIndex.View.EMPTY && age <= maxAge) {
            return Future.succeededFuture(current);
        }
        Future<RunIndex.View> inFlight = refreshing.get();
        if (inFlight != null) {
            return current != RunIndex.View.EMPTY && age <= 5 * maxAge ? Future.succeededFuture(current) : inFlight;
        }
        Promise<RunIndex.View> promise = Promise.promise();
        if (!refreshing.compareAndSet(null, promise.future())) {
            Future<RunIndex.View> other = refreshing.get();
            return other == null ? Future.succeededFuture(view.index().current()) : other;
        }
        vertx.executeBlocking(() -> view.index().refresh(), false).onComplete(ar -> {
            refreshing.set(null);
            promise.handle(ar);
        });
        return promise.future();
    }

    // ---- /checkpoints/<id>

    private void checkpoint(RoutingContext ctx) {
        String runId = ctx.pathParam("runId");
        vertx.executeBlocking(() -> view.known(runId) ? view.run(runId) : Optional.<Snapshot>empty(), false).onSuccess(snapshot -> {
            if (snapshot.isEmpty()) {
                Http.error(ctx, 404, noRun(runId));
            } else {
                Http.json(ctx, 200, snapshot.get());
            }
        }).onFailure(ctx::fail);
    }

    private String noRun(String runId) {
        return "no run with id '" + Http.abbreviate(runId) + "'";
    }

    // ---- /logs/<id>

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
                Http.error(ctx, 404, noRun(runId));
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
            vertx.executeBlocking(() -> logPage(runId, fromSeq > 0 ? view.auditFrom(runId, fromSeq, limit) : view.auditTail(runId, limit),
                            limit), false)
                    .onSuccess(body -> Http.send(ctx, 200, Http.JSON, body))
                    .onFailure(ctx::fail);
        }).onFailure(ctx::fail);
    }

    /** The page as JSON; each event goes in as its line, which the reader has checked to be one JSON object. */
    private static String logPage(String runId, AuditReader.Page page, int limit) throws java.io.IOException {
        long first = page.events().isEmpty() ? 0 : page.events().get(0).seq();
        long last = page.events().isEmpty() ? 0 : page.events().get(page.events().size() - 1).seq();
        java.io.StringWriter out = new java.io.StringWriter(page.events().size() * 1024 + 256);
        try (com.fasterxml.jackson.core.JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
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
                Http.error(ctx, 404, noRun(runId));
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

    // ---- /metrics, /mcp, /policies

    private void metrics(RoutingContext ctx) {
        boolean json = "json".equals(ctx.request().getParam("format"));
        if (json) {
            vertx.executeBlocking(view::metrics, false).onSuccess(m -> Http.json(ctx, 200, m)).onFailure(ctx::fail);
            return;
        }
        runIndex().compose(index -> vertx.executeBlocking(() -> PrometheusText.scrape(new PrometheusText.Inputs(view.metrics(), index,
                        view.runtime(), view.policyStatus(), openStreams.get())), false))
                .onSuccess(text -> Http.send(ctx, 200, PrometheusText.CONTENT_TYPE, text))
                .onFailure(ctx::fail);
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

    // ---- POST /policies/reload

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
