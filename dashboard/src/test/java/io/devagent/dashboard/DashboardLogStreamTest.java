package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.devagent.dashboard.Sse.await;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /logs/<id>?follow=true}: server-sent events for what a run writes after the stream opened. */
class DashboardLogStreamTest extends ServedRunsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    Vertx vertx;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        runs.finished("quiet", "Summarize the repository");
        serve(vertx, DashboardOptions.defaults().withRunsMaxAge(Duration.ZERO).withMaxStreams(3));
    }

    private Sse follow(String uri, Map<String, String> headers) throws Exception {
        Sse sse = Sse.open(vertx, dashboard.port(), uri, headers);
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.response.getHeader("Content-Type")).startsWith("text/event-stream");
        return sse;
    }

    /** Waits until the stream has told the client it is following: from then on, every new line must come. */
    private static void awaitFollowing(Sse sse) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (sse) {
            while (!sse.raw().contains(": following the audit log")) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                assertThat(left).as("the stream to start: " + sse.raw()).isPositive();
                sse.wait(left);
            }
        }
    }

    private long lines(String runId) throws Exception {
        return Files.readAllLines(runs.auditLog(runId)).size();
    }

    @Test
    void eventsAppendedAfterTheStreamOpenedArriveAndNothingBefore() throws Exception {
        long before = lines("quiet");
        try (Sse sse = follow("/logs/quiet?follow=true", Map.of())) {
            awaitFollowing(sse);
            try (AuditLog log = AuditLog.open(runs.auditLog("quiet"), "quiet", Redactor.none())) {
                log.append("policy_reloaded", Json.object().put("ok", true).put("version", "v-test").put("trigger", "SIGHUP"));
                log.append("error", Json.object().put("kind", "test").put("message", "written after the stream opened"));
                log.append("run_paused", Json.object().put("current_step", 3).put("reason", "test"));
                log.sync();
            }
            List<Sse.Event> events = sse.next(3, WAIT);
            assertThat(events).extracting(Sse.Event::name).containsOnly("audit");
            assertThat(events).extracting(Sse.Event::id)
                    .containsExactly(Long.toString(before + 1), Long.toString(before + 2), Long.toString(before + 3));
            JsonNode second = Json.parse(events.get(1).data());
            assertThat(second.path("type").asText()).isEqualTo("error");
            assertThat(second.path("data").path("message").asText()).isEqualTo("written after the stream opened");
            assertThat(second.path("run_id").asText()).isEqualTo("quiet");
            // The data is the line exactly as the log holds it (hash and all).
            assertThat(events.get(2).data()).isEqualTo(Files.readAllLines(runs.auditLog("quiet")).get((int) before + 2));
        }
    }

    @Test
    void fromASeqTheBacklogComesFirstThenNewEvents() throws Exception {
        long n = lines("quiet");
        try (Sse sse = follow("/logs/quiet?follow=true&from=2", Map.of())) {
            List<Sse.Event> backlog = sse.next((int) n - 1, WAIT);
            assertThat(backlog.get(0).id()).isEqualTo("2");
            assertThat(backlog.get(backlog.size() - 1).id()).isEqualTo(Long.toString(n));
            try (AuditLog log = AuditLog.open(runs.auditLog("quiet"), "quiet", Redactor.none())) {
                log.append("error", Json.object().put("kind", "test").put("message", "live"));
                log.sync();
            }
            Sse.Event live = sse.next(WAIT);
            assertThat(live.id()).isEqualTo(Long.toString(n + 1));
            assertThat(Json.parse(live.data()).path("data").path("message").asText()).isEqualTo("live");
        }
    }

    @Test
    void aReconnectWithLastEventIdGoesOnAfterIt() throws Exception {
        try (Sse sse = follow("/logs/quiet?follow=true", Map.of("Last-Event-ID", "3"))) {
            Sse.Event first = sse.next(WAIT);
            assertThat(first.id()).isEqualTo("4");
            assertThat(Json.parse(first.data()).path("seq").asInt()).isEqualTo(4);
        }
    }

    @Test
    void aRealRunStreamsItsStepsAsItWritesThem() throws Exception {
        RealRuns.Live live = runs.live("busy", "List the files until stopped", 150);
        io.devagent.testkit.Await.until("the run to start its audit log", runs.auditLog("busy").getParent(), WAIT,
                () -> Files.exists(runs.auditLog("busy")));
        long beforeOpen = lines("busy");
        try (Sse sse = follow("/logs/busy?follow=true", Map.of())) {
            List<Sse.Event> events = sse.next(12, WAIT);
            // Only what was written once the stream was asked for: it starts at the end of the log as it was then.
            assertThat(events).allSatisfy(e -> assertThat(Long.parseLong(e.id())).isGreaterThan(beforeOpen));
            assertThat(events).extracting(e -> Json.parse(e.data()).path("type").asText())
                    .contains("tool_call", "tool_result", "checkpoint");
            // Consecutive seqs: nothing is skipped or sent twice.
            for (int i = 1; i < events.size(); i++) {
                assertThat(Long.parseLong(events.get(i).id())).isEqualTo(Long.parseLong(events.get(i - 1).id()) + 1);
            }
            var stopped = live.stop();
            assertThat(stopped.status()).as(stopped.message()).isEqualTo("paused");
            String lastType;
            do {
                lastType = Json.parse(sse.next(WAIT).data()).path("type").asText();
            } while (!lastType.equals("run_paused"));
        } finally {
            if (!live.result().isDone()) {
                live.stop();
            }
        }
    }

    @Test
    void aLogThatIsRotatedAwayEndsTheStream() throws Exception {
        try (Sse sse = follow("/logs/quiet?follow=true", Map.of())) {
            awaitFollowing(sse);
            Files.createDirectories(runs.state.archive());
            Files.move(runs.auditLog("quiet"), runs.state.archive().resolve("run-quiet.jsonl"));
            Sse.Event end = sse.next(WAIT);
            assertThat(end.name()).isEqualTo("end");
            assertThat(Json.parse(end.data()).path("reason").asText()).contains("gone");
        }
    }

    @Test
    void closedStreamsAreCountedOffAndTheCapHolds() throws Exception {
        Sse a = follow("/logs/quiet?follow=true", Map.of());
        Sse b = follow("/logs/quiet?follow=true", Map.of());
        Sse c = follow("/logs/quiet?follow=true", Map.of());
        awaitFollowing(c);
        assertThat(openStreams()).isEqualTo(3.0);
        HttpResponse<Buffer> refused = await(client.get("/logs/quiet?follow=true").send());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("5");
        a.close();
        b.close();
        c.close();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (openStreams() != 0.0) {
            assertThat(System.nanoTime()).as("closed streams to be counted off").isLessThan(deadline);
        }
        try (Sse again = follow("/logs/quiet?follow=true", Map.of())) {
            awaitFollowing(again);
        }
    }

    private double openStreams() throws Exception {
        return DashboardApiTest.samples(await(client.get("/metrics").send()).bodyAsString()).get("dashboard_log_streams");
    }

    @Test
    void aNewRunShowsUpInTheList() throws Exception {
        JsonNode before = Json.parse(await(client.get("/runs").send()).bodyAsString());
        assertThat(before.path("total").asInt()).isEqualTo(1);
        runs.finished("later", "Another goal");
        JsonNode after = Json.parse(await(client.get("/runs").send()).bodyAsString());
        assertThat(after.path("total").asInt()).isEqualTo(2);
        assertThat(after.path("runs").get(0).path("run_id").asText()).isEqualTo("later");
        assertThat(after.path("counts").path("succeeded").asInt()).isEqualTo(2);
    }
}
