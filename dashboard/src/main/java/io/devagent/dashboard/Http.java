package io.devagent.dashboard;

import io.devagent.json.Json;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** JSON answers, errors included: every answer the API gives is JSON, never an HTML error page. */
final class Http {

    static final String JSON = "application/json; charset=utf-8";

    private Http() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        send(ctx, status, JSON, Json.write(body));
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, Json.object().put("error", message).put("status", status));
    }

    static void send(RoutingContext ctx, int status, String contentType, String body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return; // the client went away while the answer was being prepared
        }
        response.setStatusCode(status).putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-store").end(body);
    }

    /** A query parameter as a whole number within bounds, or the fallback when absent. */
    static long number(RoutingContext ctx, String name, long fallback, long min, long max) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a whole number, not '" + abbreviate(value) + "'");
        }
        if (n < min || n > max) {
            throw new BadRequest(name + " must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }

    static String noRun(String runId) {
        return "no run with id '" + abbreviate(runId) + "'";
    }

    static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    /** A request the API cannot serve as asked: answered with 400 and the reason. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
