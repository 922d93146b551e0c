package io.devagent.dashboard;

import io.devagent.view.StateView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The dashboard: a Vert.x web server over one state directory, which it only reads, through the
 * {@link StateView}. Routes (JSON unless said otherwise):
 * <pre>
 * GET  /health                       {"status": "ok"}; never wants a token
 * GET  /runs?offset=&limit=&status=&q=  runs, most recently updated first, paged; q: words in the id or goal
 * GET  /runs/&lt;run_id&gt;/summary       the whole run folded: events by type, tokens by step, tool latency, reasons
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
 * Each resource's routes are a small class of their own ({@link RunRoutes}, {@link LogRoutes},
 * {@link CheckpointRoutes}, {@link McpRoutes}, {@link PolicyRoutes}, {@link MetricsRoutes},
 * {@link StaticAssets}); this class starts the server, puts auth and the same-origin check in front
 * of them, and answers failures. Everything that touches a file or a process runs on Vert.x's worker
 * pool, never on the event loop.
 */
public final class Dashboard implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Dashboard.class.getName());

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final StateView view;
    private final DashboardOptions options;
    private final Auth auth;
    private final StaticAssets assets = new StaticAssets();
    private final AtomicInteger openStreams = new AtomicInteger();
    private HttpServer server;

    private Dashboard(Vertx vertx, boolean ownsVertx, StateView view, DashboardOptions options) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.view = view;
        this.options = options;
        this.auth = new Auth(options.token(), options.ticketTtl());
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
        MetricsRoutes.mountHealth(router);
        router.route().handler(auth);
        router.route().handler(this::sameOrigin);

        FreshIndex index = new FreshIndex(vertx, view, options.runsMaxAge());
        assets.mount(router);
        new RunRoutes(vertx, view, index, new RunSummaries(view)).mount(router);
        router.get("/runs/:runId/diff").handler(new DiffRoute(vertx, view)::handle);
        new CheckpointRoutes(vertx, view).mount(router);
        new LogRoutes(vertx, view, options, auth, openStreams).mount(router);
        new MetricsRoutes(vertx, view, index, openStreams::get).mount(router);
        new McpRoutes(vertx, view).mount(router);
        new PolicyRoutes(vertx, view, options).mount(router);
        new ApprovalRoutes(vertx, view).register(router); // GET /approvals, POST /runs/<id>/approve and /deny
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
}
