package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
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

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code agent dashboard} as a real process beside a real main runtime ({@code agent run}): it binds to
 * loopback, wants the token, and {@code POST /policies/reload} signals the runtime and returns its
 * answer: 200 when the policy is accepted, 422 when it is rejected, 409 once no runtime is alive.
 */
@ExtendWith({VertxExtension.class, CliHarness.class})
class DashboardCommandTest {

    private static final String TOKEN = "cli-" + UUID.randomUUID();

    ScriptedModelServer server;
    CliFixture fx;
    Process runtime;
    Process dashboard;
    Path policyFile;

    @BeforeEach
    void setUp() throws Exception {
        server.whenExhausted(Reply.text("done"));
        fx.vars.put("LLM_MODEL", "scripted-model");
        policyFile = fx.state.resolve("policies/policy.yaml");
        Files.createDirectories(policyFile.getParent());
        Files.writeString(policyFile, "limits: {maxSteps: 20}\n");
    }

    private void await(String what, io.devagent.testkit.Await.Check check) throws Exception {
        fx.await(what, check);
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Starts {@code agent dashboard --port 0} with the token set and returns its port, read from what it prints. */
    private int startDashboard() throws Exception {
        CliFixture.Dashboard started = fx.startDashboard(TOKEN);
        dashboard = started.process();
        assertThat(fx.out("dashboard")).contains("auth: on").contains(fx.state.toString());
        return started.port();
    }

    private HttpResponse<Buffer> reload(WebClient client) throws Exception {
        return get(client.post("/policies/reload").bearerTokenAuthentication(TOKEN).send());
    }

    /** Reloads as soon as the rate limit lets it; a 429 starts nothing, so asking again until it passes is safe. */
    private HttpResponse<Buffer> reloadWhenAllowed(WebClient client) throws Exception {
        var last = new java.util.concurrent.atomic.AtomicReference<HttpResponse<Buffer>>();
        await("the reload rate limit to let a reload through", () -> {
            last.set(reload(client));
            return last.get().statusCode() != 429;
        });
        return last.get();
    }

    @Test
    void reloadThroughTheDashboardSignalsTheRuntimeAndReturnsItsAnswer(Vertx vertx) throws Exception {
        runtime = fx.startRuntime();
        int port = startDashboard();
        WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));

        assertThat(get(client.get("/health").send()).statusCode()).isEqualTo(200);
        assertThat(get(client.get("/policies").send()).statusCode()).isEqualTo(401);
        JsonNode policies = Json.parse(get(client.get("/policies").bearerTokenAuthentication(TOKEN).send()).bodyAsString());
        assertThat(policies.path("runtime").path("alive").asBoolean()).isTrue();
        assertThat(policies.path("runtime").path("pid").asLong()).isEqualTo(runtime.pid());
        String startVersion = policies.path("status").path("version").asText();
        assertThat(startVersion).isNotBlank();

        // A valid change: accepted, 200 with the runtime's result.
        Files.writeString(policyFile, "limits: {maxSteps: 30}\ntools: {deny: [\"http_fetch\"]}\n");
        HttpResponse<Buffer> accepted = reload(client);
        assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
        JsonNode ok = Json.parse(accepted.bodyAsString());
        assertThat(ok.path("ok").asBoolean()).isTrue();
        assertThat(ok.path("trigger").asText()).isEqualTo("SIGHUP");
        assertThat(ok.path("version").asText()).isNotEqualTo(startVersion);
        // The runtime also watches the file: on a slow machine its watcher may take the change before the signal arrives.
        assertThat(ok.path("previous_version").asText()).isIn(startVersion, ok.path("version").asText());
        assertThat(ok.path("policy").path("tools").path("deny").get(0).asText()).isEqualTo("http_fetch");

        // At once again: rate-limited, and nothing is sent to the runtime.
        HttpResponse<Buffer> tooSoon = reload(client);
        assertThat(tooSoon.statusCode()).isEqualTo(429);
        assertThat(Integer.parseInt(tooSoon.getHeader("Retry-After"))).isPositive();

        // A broken file: rejected, 422, and the version in force stays.
        Files.writeString(policyFile, "limits: {maxSteps: [unclosed\n");
        HttpResponse<Buffer> rejected = reloadWhenAllowed(client);
        assertThat(rejected.statusCode()).as(rejected.bodyAsString()).isEqualTo(422);
        JsonNode bad = Json.parse(rejected.bodyAsString());
        assertThat(bad.path("ok").asBoolean()).isFalse();
        assertThat(bad.path("version").asText()).isEqualTo(ok.path("version").asText());
        assertThat(bad.path("error").asText()).contains(policyFile.toString());
        assertThat(runtime.isAlive()).isTrue();

        // No runtime any more: 409.
        runtime.destroy();
        assertThat(runtime.waitFor(30, TimeUnit.SECONDS)).isTrue();
        HttpResponse<Buffer> none = reloadWhenAllowed(client);
        assertThat(none.statusCode()).as(none.bodyAsString()).isEqualTo(409);
        assertThat(Json.parse(none.bodyAsString()).path("error").asText()).contains("no main runtime is running");

        // SIGTERM stops the dashboard; the token was never printed.
        dashboard.destroy();
        assertThat(dashboard.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(dashboard.exitValue()).isEqualTo(143);
        assertThat(fx.out("dashboard") + fx.err("dashboard")).doesNotContain(TOKEN);
    }

    @Test
    void itListensOnLoopbackByDefault(Vertx vertx) throws Exception {
        int port = startDashboard();
        WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(port));
        assertThat(get(client.get("127.0.0.1", "/health").send()).statusCode()).isEqualTo(200);
        // Another address of this machine does not reach it.
        InetAddress other = null;
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
                    other = address;
                }
            }
        }
        if (other != null) {
            Throwable refused = get(client.get(other.getHostAddress(), "/health").send().map(r -> (Throwable) null)
                    .recover(Future::succeededFuture));
            assertThat(refused).as("a request to " + other.getHostAddress() + ":" + port).isNotNull();
        }
    }

    @Test
    void badOptionsAndABusyPortAreClearErrors() throws Exception {
        CliFixture.Outcome help = fx.agent("dashboard", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--port").contains("--host").contains("AGENT_DASHBOARD_TOKEN").contains("7081");

        CliFixture.Outcome badPort = fx.agent("dashboard", "--port", "70000");
        assertThat(badPort.exit()).isEqualTo(2);
        assertThat(badPort.err()).contains("--port must be between 0 and 65535");

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliFixture.Outcome busy = fx.agent("dashboard", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(busy.exit()).isEqualTo(1);
            assertThat(busy.err()).startsWith("error: cannot serve the dashboard on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
