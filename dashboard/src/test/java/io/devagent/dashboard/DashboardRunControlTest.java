package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static io.devagent.dashboard.Sse.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's per-run control ({@code POST /runs/ID/pause|cancel}) and its truthful status: a
 * run in flight is paused by a person, a paused one cancelled, and a {@code running} run whose
 * owner is gone is listed as {@code interrupted}, all over real runs against the scripted model.
 */
class DashboardRunControlTest extends ServedRunsTest {

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        serve(vertx, DashboardOptions.defaults().withRunsMaxAge(Duration.ZERO));
    }

    private HttpResponse<Buffer> post(String uri, String body) throws Exception {
        return await(body == null ? client.post(uri).send() : client.post(uri).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)));
    }

    @Test
    void aPausedRunIsCancelledFromTheDashboard() throws Exception {
        RealRuns.Live live = runs.live("steered", "List the files until told to stop", 20);
        io.devagent.testkit.Await.until("the run to take a step", root, Duration.ofSeconds(60),
                () -> runs.view().run("steered").map(s -> s.currentStep() >= 1).orElse(false));
        assertThat(live.stop().status()).isEqualTo("paused");

        // Already paused by a person: a pause changes nothing and says so.
        HttpResponse<Buffer> paused = post("/runs/steered/pause", "{\"reason\": \"looking at it\"}");
        assertThat(paused.statusCode()).as(paused.bodyAsString()).isEqualTo(200);
        assertThat(Json.parse(paused.bodyAsString()).path("status").asText()).isEqualTo("paused");
        assertThat(runs.view().run("steered").orElseThrow().pausedBy()).isEqualTo("person");

        HttpResponse<Buffer> cancelled = post("/runs/steered/cancel", "{\"reason\": \"not needed\"}");
        assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
        JsonNode body = Json.parse(cancelled.bodyAsString());
        assertThat(body.path("status").asText()).isEqualTo("cancelled");
        assertThat(body.path("via").asText()).contains("its checkpoint");
        assertThat(runs.view().run("steered").orElseThrow().message()).isEqualTo("not needed");
        assertThat(Files.readString(runs.auditLog("steered"))).contains("\"type\":\"run_cancelled\"");

        HttpResponse<Buffer> again = post("/runs/steered/cancel", null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Json.parse(again.bodyAsString()).path("error").asText()).isEqualTo("run steered has already ended (cancelled)");
        assertThat(post("/runs/nope/pause", null).statusCode()).isEqualTo(404);
        assertThat(post("/runs/steered/pause", "not json").statusCode()).isEqualTo(400);
    }

    @Test
    void aRunningRunWhoseOwnerIsGoneIsListedAsInterrupted() throws Exception {
        Path dir = Files.createDirectories(runs.view().state().checkpointDir("orphan"));
        new Checkpoints(runs.view().state()).writeSnapshot(new Snapshot("orphan", "A run whose process died", Snapshot.RUNNING, 3,
                Instant.now().toString(), Instant.now().toString(), "m", "/w", io.devagent.model.Tokens.ZERO, null, null, null, null, 0, 4242L));
        Files.writeString(dir.resolve("lock"), "4242");

        JsonNode page = Json.parse(await(client.get("/runs").send()).bodyAsString());
        assertThat(page.path("runs").get(0).path("status").asText()).isEqualTo("interrupted");
        assertThat(page.path("counts").path("interrupted").asLong()).isEqualTo(1);
        assertThat(page.path("counts").path("running").asLong()).isZero();
        JsonNode checkpoint = Json.parse(await(client.get("/checkpoints/orphan").send()).bodyAsString());
        assertThat(checkpoint.path("status").asText()).isEqualTo("interrupted");
        assertThat(Json.parse(await(client.get("/runs?status=interrupted").send()).bodyAsString()).path("runs").size()).isEqualTo(1);
    }
}
