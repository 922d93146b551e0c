package io.devagent.dashboard;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The web page: a few static files under {@code src/main/resources/io/devagent/dashboard/webroot},
 * read once at start and served from memory (no build step, no CDN, nothing fetched at run time).
 */
final class StaticAssets {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The page's ES modules ({@code app.js} imports the others); the browser loads them as they are. */
    static final java.util.List<String> MODULES = java.util.List.of("app.js", "approvals.js", "url.js", "dom.js", "api.js", "policy.js", "overview.js",
            "reason.js", "run.js", "trace.js", "detail.js", "diff.js", "charts.js");

    private record Asset(Buffer body, String contentType, String etag) {
    }

    private final Map<String, Asset> assets = new HashMap<>();

    StaticAssets() {
        add("/", "index.html", "text/html; charset=utf-8");
        add("/index.html", "index.html", "text/html; charset=utf-8");
        for (String module : MODULES) {
            add("/" + module, module, "text/javascript; charset=utf-8");
        }
        add("/app.css", "app.css", "text/css; charset=utf-8");
        add("/favicon.svg", "favicon.svg", "image/svg+xml");
    }

    void mount(io.vertx.ext.web.Router router) {
        for (String path : assets.keySet()) {
            router.get(path).handler(this::serve);
        }
    }

    void serve(RoutingContext ctx) {
        Asset asset = assets.get(ctx.request().path());
        if (asset == null) {
            ctx.next();
            return;
        }
        var response = ctx.response().putHeader("Content-Type", asset.contentType()).putHeader("ETag", asset.etag())
                .putHeader("Cache-Control", "no-cache").putHeader("Content-Security-Policy", CSP);
        if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
            response.setStatusCode(304).end();
            return;
        }
        response.end(asset.body());
    }

    private void add(String path, String file, String contentType) {
        String resource = "io/devagent/dashboard/webroot/" + file;
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's page is missing from the build: " + resource);
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "\"";
            assets.put(path, new Asset(Buffer.buffer(bytes), contentType, etag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
