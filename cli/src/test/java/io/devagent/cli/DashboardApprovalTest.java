package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.Await;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs that wait for approval, answered from {@code agent dashboard} (a real process, with its
 * token): listed by {@code GET /approvals}, answered by {@code POST /runs/ID/approve|deny}, through
 * the main runtime when one is alive (the run goes on at once), else recorded for a resume.
 */
@ExtendWith({VertxExtension.class, CliHarness.class})
class DashboardApprovalTest {

    private static final String TOKEN = "approvals-" + UUID.randomUUID();

    ScriptedModelServer server;
    CliFixture fx;
    Process runtime;

    @BeforeEach
    void setUp() throws Exception {
        server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .script(Reply.toolCall("write_file", "{\"path\":\"hello.txt\",\"content\":\"hello\\n\"}"), Reply.text("Done."));
        fx.vars.put("LLM_MODEL", "scripted-model");
        Files.createDirectories(fx.state.resolve("policies"));
        Files.writeString(fx.state.resolve("policies/policy.yaml"), "approve: [write_file]\n");
    }

    @Test
    void theDashboardApprovesThroughTheMainRuntime(Vertx vertx) throws Exception {
        runtime = fx.startRuntime();
        WebClient client = client(vertx, startDashboard());
        String runId = waitingRun();

        assertThat(get(client.get("/approvals").send()).statusCode()).isEqualTo(401);
        JsonNode list = Json.parse(get(client.get("/approvals").bearerTokenAuthentication(TOKEN).send()).bodyAsString());
        assertThat(list.path("runs").get(0).path("run_id").asText()).isEqualTo(runId);
        assertThat(list.path("runs").get(0).path("approval").path("name").asText()).isEqualTo("write_file");
        assertThat(get(client.post("/runs/" + runId + "/approve").send()).statusCode()).isEqualTo(401);

        HttpResponse<Buffer> approved = get(client.post("/runs/" + runId + "/approve").bearerTokenAuthentication(TOKEN).send());

        assertThat(approved.statusCode()).as(approved.bodyAsString()).isEqualTo(200);
        assertThat(Json.parse(approved.bodyAsString()).path("status").asText()).isEqualTo("running");
        await("the run to finish in the main runtime", () -> fx.agent("checkpoints", "show", runId).out().contains("succeeded"));
        assertThat(fx.workspace.resolve("hello.txt")).hasContent("hello");
        assertThat(Files.readString(fx.state.resolve("audit/run-" + runId + ".jsonl")))
                .contains("\"type\":\"approval_answered\"").contains("dashboard (127.0.0.1)");
        HttpResponse<Buffer> again = get(client.post("/runs/" + runId + "/approve").bearerTokenAuthentication(TOKEN).send());
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Json.parse(again.bodyAsString()).path("error").asText()).contains("is not waiting for approval");
    }

    @Test
    void withoutARuntimeTheDenialIsRecordedAndTheRunGoesOnWhenResumed(Vertx vertx) throws Exception {
        WebClient client = client(vertx, startDashboard());
        String runId = waitingRun();

        HttpResponse<Buffer> denied = get(client.post("/runs/" + runId + "/deny").bearerTokenAuthentication(TOKEN)
                .sendBuffer(Buffer.buffer("{\"reason\":\"write it somewhere else\"}")));

        assertThat(denied.statusCode()).as(denied.bodyAsString()).isEqualTo(200);
        assertThat(Json.parse(denied.bodyAsString()).path("status").asText()).isEqualTo("paused");
        assertThat(get(client.post("/runs/no-such-run/deny").bearerTokenAuthentication(TOKEN).send()).statusCode()).isEqualTo(404);
        CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", runId);
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(fx.workspace.resolve("hello.txt")).doesNotExist();
        assertThat(Json.write(server.requests().getLast().path("messages"))).contains("write it somewhere else");
    }

    /** Runs the goal to its stop before the write: exit 4, and its id. */
    private String waitingRun() {
        CliFixture.Outcome run = fx.agent("run", "Write hello");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.AWAITING_APPROVAL);
        return run.outLines().getFirst().substring("run_id: ".length());
    }

    private WebClient client(Vertx vertx, int port) {
        return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    }

    private int startDashboard() throws Exception {
        return fx.startDashboard(TOKEN).port();
    }

    private void await(String what, Await.Check check) throws Exception {
        fx.await(what, check);
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
