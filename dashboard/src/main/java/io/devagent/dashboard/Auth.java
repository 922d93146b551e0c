package io.devagent.dashboard;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bearer-token auth for the dashboard ({@code AGENT_DASHBOARD_TOKEN}). With a token set, every route
 * wants {@code Authorization: Bearer <token>} except {@code /health} and the page's static files
 * (they hold no state; the page asks for the token and sends it on every call).
 *
 * <p>A browser's {@code EventSource} cannot send headers, so the live log stream also accepts a
 * <em>stream ticket</em>: {@code POST /logs/<run_id>/ticket} (with the bearer token) returns a random
 * ticket that opens that run's stream once, within a short time. The token itself never goes in a URL,
 * where proxies and access logs would keep it; a ticket that lands in a log is already spent.
 *
 * <p>Tokens are compared in constant time (SHA-256 digests with {@link MessageDigest#isEqual}, so
 * neither the content nor the length leaks through timing).
 */
final class Auth implements Handler<RoutingContext> {

    static final Set<String> PUBLIC = java.util.stream.Stream.concat(Stream.of("/health", "/", "/index.html", "/app.css", "/favicon.svg"),
            StaticAssets.MODULES.stream().map(module -> "/" + module)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Pattern FOLLOW_PATH = Pattern.compile("^/logs/([^/]+)$");
    private static final int MAX_TICKETS = 10_000;

    private record Ticket(String runId, long expiresAtNanos) {
    }

    private final byte[] tokenDigest;
    private final Duration ticketTtl;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();

    Auth(Optional<String> token, Duration ticketTtl) {
        this.tokenDigest = token.map(Auth::digest).orElse(null);
        this.ticketTtl = ticketTtl;
    }

    boolean enabled() {
        return tokenDigest != null;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (tokenDigest == null || PUBLIC.contains(ctx.request().path()) || bearerMatches(ctx) || ticketOpens(ctx)) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"dev-agent dashboard\"");
        Http.error(ctx, 401, ctx.request().getHeader("Authorization") == null && ctx.request().getParam("ticket") == null
                ? "this dashboard wants Authorization: Bearer <AGENT_DASHBOARD_TOKEN>"
                : "the token or stream ticket is not valid");
    }

    /** A single-use ticket that opens run {@code runId}'s live stream within the ticket lifetime. */
    String issueTicket(String runId) {
        long now = System.nanoTime();
        if (tickets.size() >= MAX_TICKETS / 2) {
            tickets.values().removeIf(t -> t.expiresAtNanos() - now < 0);
        }
        if (tickets.size() >= MAX_TICKETS) {
            throw new IllegalStateException("too many stream tickets are outstanding");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        tickets.put(ticket, new Ticket(runId, now + ticketTtl.toNanos()));
        return ticket;
    }

    Duration ticketTtl() {
        return ticketTtl;
    }

    private boolean bearerMatches(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest(header.substring(7).trim()), tokenDigest);
    }

    /** A GET of {@code /logs/<id>?follow=true&ticket=T} where T was issued for that run, is unspent and unexpired. */
    private boolean ticketOpens(RoutingContext ctx) {
        String ticket = ctx.request().getParam("ticket");
        if (ticket == null || ctx.request().method() != HttpMethod.GET || !"true".equals(ctx.request().getParam("follow"))) {
            return false;
        }
        Matcher m = FOLLOW_PATH.matcher(ctx.request().path());
        if (!m.matches()) {
            return false;
        }
        Ticket spent = tickets.remove(ticket); // single use, whatever the outcome
        return spent != null && spent.expiresAtNanos() - System.nanoTime() > 0 && spent.runId().equals(m.group(1));
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
