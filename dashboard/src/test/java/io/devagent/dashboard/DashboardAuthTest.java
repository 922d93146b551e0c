package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.devagent.dashboard.Sse.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code AGENT_DASHBOARD_TOKEN} set: every route but {@code /health} (and the page's static
 * files) wants the bearer token; the live stream opens with a single-use ticket bought with the token.
 */
@ExtendWith(VertxExtension.class)
class DashboardAuthTest {

    private static final String TOKEN = "dash-" + UUID.randomUUID();

    @TempDir
    static Path root;
    static RealRuns runs;
    static Dashboard dashboard;
    static WebClient client;
    static Vertx vertx;
    static final List<String> bodies = new ArrayList<>();

    /** Every data route, with the method it takes. */
    static final List<Map.Entry<HttpMethod, String>> ROUTES = List.of(
            Map.entry(HttpMethod.GET, "/runs"),
            Map.entry(HttpMethod.GET, "/runs?limit=1"),
            Map.entry(HttpMethod.GET, "/checkpoints/run-a"),
            Map.entry(HttpMethod.GET, "/checkpoints/unknown"),
            Map.entry(HttpMethod.GET, "/logs/run-a"),
            Map.entry(HttpMethod.GET, "/logs/run-a?from=1&limit=2"),
            Map.entry(HttpMethod.GET, "/logs/run-a?follow=true"),
            Map.entry(HttpMethod.POST, "/logs/run-a/ticket"),
            Map.entry(HttpMethod.GET, "/metrics"),
            Map.entry(HttpMethod.GET, "/metrics?format=json"),
            Map.entry(HttpMethod.GET, "/mcp"),
            Map.entry(HttpMethod.GET, "/policies"),
            Map.entry(HttpMethod.POST, "/policies/reload"),
            Map.entry(HttpMethod.GET, "/no/such/route"));

    @BeforeAll
    static void start(Vertx v) throws Exception {
        vertx = v;
        runs = new RealRuns(root);
        runs.finished("run-a", "Summarize the repository");
        runs.finished("run-b", "Count the files");
        dashboard = await(Dashboard.start(vertx, runs.view(), DashboardOptions.defaults().withPort(0).withToken(Optional.of(TOKEN))));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(dashboard.port()));
    }

    @AfterAll
    static void stop() {
        // Whatever any test received, the token was never in it.
        assertThat(bodies).isNotEmpty().noneMatch(body -> body.contains(TOKEN));
        dashboard.close();
        runs.close();
    }

    static Answer send(HttpMethod method, String uri, String authorization) throws Exception {
        HttpRequest<Buffer> request = client.request(method, uri);
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        // A live stream never ends on its own: only its head is wanted here, so it is read with a short timeout.
        if (uri.contains("follow=true")) {
            return sendHead(method, uri, authorization);
        }
        HttpResponse<Buffer> response = await(request.send());
        return record(new Answer(response.statusCode(), response.bodyAsString() == null ? "" : response.bodyAsString(), response.headers()));
    }

    /** The status of a request whose body may never end (a live stream), and its first bytes. */
    static Answer sendHead(HttpMethod method, String uri, String authorization) throws Exception {
        Map<String, String> headers = authorization == null ? Map.of() : Map.of("Authorization", authorization);
        try (Sse sse = Sse.open(vertx, dashboard.port(), uri, headers)) {
            int status = sse.status();
            if (status != 200) {
                // An error answer is a whole JSON body: wait for it to end.
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!sse.raw().endsWith("}")) {
                    assertThat(System.nanoTime()).as("the error body").isLessThan(deadline);
                    synchronized (sse) {
                        sse.wait(50);
                    }
                }
            }
            return record(new Answer(status, sse.raw(), sse.response.headers()));
        }
    }

    private static Answer record(Answer answer) {
        synchronized (bodies) {
            bodies.add(answer.bodyAsString());
        }
        return answer;
    }

    @Test
    void healthAndThePageNeedNoToken() throws Exception {
        Answer health = send(HttpMethod.GET, "/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        List<String> assets = new java.util.ArrayList<>(List.of("/", "/index.html", "/app.css", "/favicon.svg"));
        StaticAssets.MODULES.forEach(module -> assets.add("/" + module));
        for (String asset : assets) {
            assertThat(send(HttpMethod.GET, asset, null).statusCode()).as(asset).isEqualTo(200);
        }
        // The page holds no state: it asks for the token and keeps it in session storage.
        assertThat(send(HttpMethod.GET, "/api.js", null).bodyAsString()).contains("sessionStorage").contains("'Bearer '");
    }

    @Test
    void everyOtherRouteWantsTheBearerToken() throws Exception {
        for (var route : ROUTES) {
            for (String authorization : new String[] {null, "Bearer wrong-" + TOKEN, "Basic " + TOKEN, "Bearer ", TOKEN,
                    "Bearer " + TOKEN.substring(0, TOKEN.length() - 1)}) {
                Answer response = send(route.getKey(), route.getValue(), authorization);
                String what = route.getKey() + " " + route.getValue() + " with " + (authorization == null ? "no header" : "a bad header");
                assertThat(response.statusCode()).as(what).isEqualTo(401);
                assertThat(response.getHeader("WWW-Authenticate")).as(what).startsWith("Bearer");
                assertThat(Json.parse(response.bodyAsString()).path("error").asText()).as(what).isNotBlank();
            }
        }
    }

    @Test
    void theRightTokenOpensEveryRoute() throws Exception {
        for (var route : ROUTES) {
            if (route.getValue().equals("/policies/reload")) {
                continue; // rate-limited: tried once below
            }
            Answer response = send(route.getKey(), route.getValue(), "Bearer " + TOKEN);
            int expected = route.getValue().equals("/checkpoints/unknown") || route.getValue().equals("/no/such/route") ? 404
                    : route.getValue().endsWith("/ticket") ? 201 : 200;
            assertThat(response.statusCode()).as(route.getKey() + " " + route.getValue() + ": " + response.bodyAsString()).isEqualTo(expected);
        }
        // The scheme is case-insensitive, as RFC 7235 says.
        assertThat(send(HttpMethod.GET, "/runs", "bearer " + TOKEN).statusCode()).isEqualTo(200);
        Answer reload = send(HttpMethod.POST, "/policies/reload", "Bearer " + TOKEN);
        assertThat(reload.statusCode()).isIn(409, 429); // authorised: no runtime is alive here (or the limit from another test)
        assertThat(Json.parse(reload.bodyAsString()).path("status").asInt()).isEqualTo(reload.statusCode());
    }

    private String ticket(String runId) throws Exception {
        Answer response = send(HttpMethod.POST, "/logs/" + runId + "/ticket", "Bearer " + TOKEN);
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode body = Json.parse(response.bodyAsString());
        assertThat(body.path("single_use").asBoolean()).isTrue();
        assertThat(body.path("expires_in_seconds").asInt()).isEqualTo(30);
        String ticket = body.path("ticket").asText();
        assertThat(ticket).hasSizeGreaterThanOrEqualTo(43).doesNotContain(TOKEN);
        return ticket;
    }

    @Test
    void theLiveStreamOpensWithASingleUseTicketAndDeliversEvents() throws Exception {
        String ticket = ticket("run-a");
        long before = java.nio.file.Files.readAllLines(runs.auditLog("run-a")).size();
        try (Sse sse = Sse.open(vertx, dashboard.port(), "/logs/run-a?follow=true&ticket=" + ticket, Map.of())) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.response.getHeader("Content-Type")).startsWith("text/event-stream");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            synchronized (sse) {
                while (!sse.raw().contains(": following")) {
                    assertThat(System.nanoTime()).as("the stream to start").isLessThan(deadline);
                    sse.wait(100);
                }
            }
            try (AuditLog log = AuditLog.open(runs.auditLog("run-a"), "run-a", Redactor.none())) {
                log.append("error", Json.object().put("kind", "test").put("message", "after the ticket"));
                log.sync();
            }
            Sse.Event event = sse.next(Duration.ofSeconds(20));
            assertThat(event.id()).isEqualTo(Long.toString(before + 1));
            assertThat(Json.parse(event.data()).path("data").path("message").asText()).isEqualTo("after the ticket");

            // Spent: the same ticket does not open a second stream.
            Answer again = sendHead(HttpMethod.GET, "/logs/run-a?follow=true&ticket=" + ticket, null);
            assertThat(again.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aTicketOpensOnlyItsOwnRunsStreamAndNothingElse() throws Exception {
        // For another run.
        assertThat(sendHead(HttpMethod.GET, "/logs/run-b?follow=true&ticket=" + ticket("run-a"), null).statusCode()).isEqualTo(401);
        // Not for a page of the log, nor any other route.
        assertThat(send(HttpMethod.GET, "/logs/run-a?ticket=" + ticket("run-a"), null).statusCode()).isEqualTo(401);
        assertThat(send(HttpMethod.GET, "/runs?follow=true&ticket=" + ticket("run-a"), null).statusCode()).isEqualTo(401);
        assertThat(send(HttpMethod.GET, "/checkpoints/run-a?follow=true&ticket=" + ticket("run-a"), null).statusCode()).isEqualTo(401);
        // A made-up ticket.
        assertThat(sendHead(HttpMethod.GET, "/logs/run-a?follow=true&ticket=" + "A".repeat(43), null).statusCode()).isEqualTo(401);
        // A ticket for an unknown run cannot be had.
        assertThat(send(HttpMethod.POST, "/logs/unknown/ticket", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
    }

    /** What came back: the status, the body (as far as it was read, for a stream) and the headers. */
    record Answer(int statusCode, String bodyAsString, MultiMap headers) {
        String getHeader(String name) {
            return headers.get(name);
        }
    }
}
