package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.state.PidFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.devagent.dashboard.Sse.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of the dashboard, with auth off, over a state directory made by real runs (the agent
 * against the scripted model server): answers, paging, and every error case as JSON.
 */
@ExtendWith(VertxExtension.class)
class DashboardApiTest {

    @TempDir
    static Path root;
    static RealRuns runs;
    static Dashboard dashboard;
    static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        runs = new RealRuns(root);
        runs.finished("run-a", "Summarize the repository");
        runs.finished("run-b", "Count the files");
        runs.finished("run-c", "Describe the notes");
        dashboard = await(Dashboard.start(vertx, runs.view(), DashboardOptions.defaults().withPort(0).withRunsMaxAge(Duration.ZERO)));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(dashboard.port()));
    }

    @AfterAll
    static void stop() {
        dashboard.close();
        runs.close();
    }

    static HttpResponse<Buffer> get(String uri) throws Exception {
        return await(client.get(uri).send());
    }

    static HttpResponse<Buffer> post(String uri) throws Exception {
        return await(client.post(uri).send());
    }

    static JsonNode json(HttpResponse<Buffer> response) throws Exception {
        assertThat(response.getHeader("Content-Type")).as(response.bodyAsString()).startsWith("application/json");
        return Json.parse(response.bodyAsString());
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("runs").forEach(r -> ids.add(r.path("run_id").asText()));
        return ids;
    }

    @Test
    void healthAnswersOk() throws Exception {
        HttpResponse<Buffer> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void runsAreSortedByRecencyAndCarryTheirSnapshot() throws Exception {
        HttpResponse<Buffer> response = get("/runs");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode page = json(response);
        assertThat(page.path("total").asInt()).isEqualTo(3);
        assertThat(ids(page)).containsExactly("run-c", "run-b", "run-a");
        assertThat(page.path("next_offset").isNull()).isTrue();
        assertThat(page.path("counts").path("succeeded").asInt()).isEqualTo(3);
        assertThat(page.path("counts").path("running").asInt()).isZero();
        for (JsonNode row : page.path("runs")) {
            Snapshot snapshot = runs.view().run(row.path("run_id").asText()).orElseThrow();
            assertThat(row.path("status").asText()).isEqualTo("succeeded");
            assertThat(row.path("current_step").asInt()).isEqualTo(snapshot.currentStep()).isEqualTo(3);
            assertThat(row.path("tokens").path("total").asLong()).isEqualTo(snapshot.tokens().total()).isPositive();
            assertThat(row.path("goal").asText()).isEqualTo(snapshot.goal());
            assertThat(row.path("updated_at").asText()).isEqualTo(snapshot.updatedAt());
        }
    }

    @Test
    void aRunsDiffIsServedInTheShapeOfAgentDiffJson() throws Exception {
        // run-a only read files: its diff is empty, in the full shape; its workspace is not a git repository.
        HttpResponse<Buffer> response = get("/runs/run-a/diff");
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        JsonNode diff = json(response);
        assertThat(diff.path("run_id").asText()).isEqualTo("run-a");
        assertThat(diff.path("step").isNull()).isTrue();
        assertThat(diff.path("summary").path("files").asInt()).isZero();
        assertThat(diff.path("summary").has("insertions")).isTrue();
        assertThat(diff.path("summary").has("deletions")).isTrue();
        assertThat(diff.path("files").isArray()).isTrue();
        assertThat(json(get("/runs/run-a/diff?step=2")).path("step").asInt()).isEqualTo(2);

        HttpResponse<Buffer> unknown = get("/runs/no-such-run/diff");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").asText()).contains("has no workspace snapshot");
        assertThat(get("/runs/run-a/diff?step=zero").statusCode()).isEqualTo(400);
    }

    @Test
    void runsArePaged() throws Exception {
        JsonNode first = json(get("/runs?limit=2"));
        assertThat(ids(first)).containsExactly("run-c", "run-b");
        assertThat(first.path("total").asInt()).isEqualTo(3);
        assertThat(first.path("next_offset").asInt()).isEqualTo(2);

        JsonNode second = json(get("/runs?offset=2&limit=2"));
        assertThat(ids(second)).containsExactly("run-a");
        assertThat(second.path("next_offset").isNull()).isTrue();
        assertThat(second.path("offset").asInt()).isEqualTo(2);

        JsonNode past = json(get("/runs?offset=10"));
        assertThat(ids(past)).isEmpty();
        assertThat(past.path("total").asInt()).isEqualTo(3);

        assertThat(json(get("/runs?status=succeeded")).path("total").asInt()).isEqualTo(3);
        JsonNode running = json(get("/runs?status=running"));
        assertThat(running.path("total").asInt()).isZero();
        assertThat(ids(running)).isEmpty();
    }

    @Test
    void runsRefuseBadParameters() throws Exception {
        for (String uri : List.of("/runs?limit=0", "/runs?limit=501", "/runs?limit=many", "/runs?offset=-1", "/runs?status=bogus")) {
            HttpResponse<Buffer> response = get(uri);
            assertThat(response.statusCode()).as(uri).isEqualTo(400);
            assertThat(json(response).path("error").asText()).as(uri).isNotBlank();
        }
    }

    @Test
    void checkpointIsTheLatestSnapshot() throws Exception {
        HttpResponse<Buffer> response = get("/checkpoints/run-b");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode snapshot = json(response);
        assertThat(snapshot.path("run_id").asText()).isEqualTo("run-b");
        assertThat(snapshot.path("goal").asText()).isEqualTo("Count the files");
        assertThat(snapshot.path("status").asText()).isEqualTo("succeeded");
        assertThat(snapshot.path("current_step").asInt()).isEqualTo(3);
        assertThat(snapshot.path("answer").asText()).isEqualTo("The workspace holds a README and notes.");
        assertThat(snapshot.path("updated_at").asText()).isEqualTo(runs.view().run("run-b").orElseThrow().updatedAt());
    }

    @Test
    void unknownRunsAre404NeverA500() throws Exception {
        List<String> gets = List.of("/checkpoints/nope", "/logs/nope", "/logs/nope?follow=true", "/logs/nope?from=3&limit=2",
                "/checkpoints/..%2F..%2Fpolicies", "/logs/..%2Fcheckpoints%2Frun-a", "/checkpoints/run-a%00x", "/logs/%2E%2E%2Fmetrics.json");
        for (String uri : gets) {
            HttpResponse<Buffer> response = get(uri);
            assertThat(response.statusCode()).as(uri).isEqualTo(404);
            assertThat(json(response).path("error").asText()).as(uri).startsWith("no run with id");
        }
        HttpResponse<Buffer> ticket = post("/logs/nope/ticket");
        assertThat(ticket.statusCode()).isEqualTo(404);
        assertThat(json(ticket).path("error").asText()).contains("nope");
    }

    @Test
    void logsServeTheTailAPageFromASeqAndRefuseBadParameters() throws Exception {
        List<String> lines = Files.readAllLines(runs.auditLog("run-a"));
        int n = lines.size();
        assertThat(n).isGreaterThan(8);

        JsonNode all = json(get("/logs/run-a"));
        assertThat(all.path("events").size()).isEqualTo(n);
        assertThat(all.path("first").asInt()).isEqualTo(1);
        assertThat(all.path("last").asInt()).isEqualTo(n);
        assertThat(all.path("last_seq").asInt()).isEqualTo(n);
        assertThat(all.path("before").asBoolean()).isFalse();
        assertThat(all.path("after").asBoolean()).isFalse();
        for (int i = 0; i < n; i++) {
            assertThat(all.path("events").get(i)).isEqualTo(Json.parse(lines.get(i)));
        }

        JsonNode tail = json(get("/logs/run-a?limit=3"));
        assertThat(seqs(tail)).containsExactly((long) n - 2, (long) n - 1, (long) n);
        assertThat(tail.path("before").asBoolean()).isTrue();
        assertThat(tail.path("next_from").isNull()).isTrue();

        JsonNode middle = json(get("/logs/run-a?from=2&limit=3"));
        assertThat(seqs(middle)).containsExactly(2L, 3L, 4L);
        assertThat(middle.path("before").asBoolean()).isTrue();
        assertThat(middle.path("after").asBoolean()).isTrue();
        assertThat(middle.path("next_from").asInt()).isEqualTo(5);
        assertThat(middle.path("events").get(0).path("type").asText()).isEqualTo(Json.parse(lines.get(1)).path("type").asText());

        JsonNode beyond = json(get("/logs/run-a?from=" + (n + 5)));
        assertThat(beyond.path("events").size()).isZero();
        assertThat(beyond.path("last_seq").asInt()).isEqualTo(n);

        for (String uri : List.of("/logs/run-a?from=0", "/logs/run-a?from=abc", "/logs/run-a?limit=1001", "/logs/run-a?limit=-2")) {
            HttpResponse<Buffer> response = get(uri);
            assertThat(response.statusCode()).as(uri).isEqualTo(400);
            assertThat(json(response).path("error").asText()).as(uri).isNotBlank();
        }
    }

    static List<Long> seqs(JsonNode page) {
        List<Long> seqs = new ArrayList<>();
        page.path("events").forEach(e -> seqs.add(e.path("seq").asLong()));
        return seqs;
    }

    @Test
    void metricsArePrometheusTextBuiltFromMetricsJsonAndTheState() throws Exception {
        HttpResponse<Buffer> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).startsWith("text/plain").contains("version=0.0.4");
        Map<String, Double> samples = samples(response.bodyAsString());
        JsonNode file = Json.MAPPER.readTree(runs.state.metricsFile().toFile());

        assertThat(samples.get("agent_tool_latency_seconds_count{tool=\"list_files\"}")).isEqualTo(3.0);
        assertThat(samples.get("agent_tool_latency_seconds_count{tool=\"read_file\"}")).isEqualTo(3.0);
        assertThat(samples.get("agent_tool_latency_seconds_sum{tool=\"read_file\"}"))
                .isCloseTo(file.path("tools").path("read_file").path("total_ms").asDouble() / 1000.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(samples.get("agent_tool_latency_quantile_seconds{quantile=\"0.95\",tool=\"list_files\"}"))
                .isCloseTo(file.path("tools").path("list_files").path("p95_ms").asDouble() / 1000.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(samples.get("agent_tool_latency_max_seconds{tool=\"list_files\"}"))
                .isCloseTo(file.path("tools").path("list_files").path("max_ms").asDouble() / 1000.0, org.assertj.core.data.Offset.offset(1e-9));
        long totalTokens = file.path("tokens").path("overall").path("total").asLong();
        assertThat(totalTokens).isPositive();
        assertThat(samples.get("agent_tokens_total{kind=\"total\"}")).isEqualTo((double) totalTokens);
        assertThat(samples.get("agent_tokens_total{kind=\"prompt\"}"))
                .isEqualTo(file.path("tokens").path("overall").path("prompt").asDouble());
        assertThat(samples.get("agent_runs{status=\"succeeded\"}")).isEqualTo(3.0);
        assertThat(samples.get("agent_runs{status=\"running\"}")).isEqualTo(0.0);
        assertThat(samples.get("agent_runtime_up")).isEqualTo(0.0);
        assertThat(samples.get("dashboard_runs_indexed")).isEqualTo(3.0);
        assertThat(samples).containsKey("agent_metrics_updated_timestamp_seconds");

        HttpResponse<Buffer> asJson = get("/metrics?format=json");
        assertThat(asJson.statusCode()).isEqualTo(200);
        assertThat(json(asJson).path("tokens").path("overall").path("total").asLong()).isEqualTo(totalTokens);
    }

    /** Prometheus text as {@code name{labels}} → value; labels kept as written (sorted by name). */
    static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    @Test
    void mcpShowsEndpointsWithCredentialsMasked() throws Exception {
        JsonNode none = json(get("/mcp"));
        assertThat(none.path("endpoints").isArray()).isTrue();
        assertThat(none.path("endpoints").size()).isZero();

        Path file = runs.state.mcpEndpoints();
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                {"endpoints": [
                  {"name": "everything", "transport": "streamable-http", "url": "http://127.0.0.1:3001/mcp",
                   "auth": {"token": "sk-live-0123456789abcdefSECRET"}, "rateLimit": {"requestsPerMinute": 120, "burst": 10},
                   "status": {"state": "up", "checked_at": "2026-11-24T10:00:00Z", "latency_ms": 12, "tools": 13}},
                  {"name": "legacy", "transport": "sse", "url": "http://127.0.0.1:3002/sse",
                   "auth": {"headers": {"Authorization": "Bearer hdr-secret-value-42"}},
                   "status": {"state": "unauthorized", "error": "401 from the server"}},
                  {"name": "files", "transport": "stdio", "command": ["node", "server.js", "/workspace"], "auth": {"tokenEnv": "FILES_TOKEN"}}
                ]}
                """);
        try {
            HttpResponse<Buffer> response = get("/mcp");
            assertThat(response.statusCode()).isEqualTo(200);
            String body = response.bodyAsString();
            assertThat(body).doesNotContain("sk-live-0123456789abcdefSECRET").doesNotContain("hdr-secret-value-42")
                    .contains("[REDACTED]");
            JsonNode endpoints = Json.parse(body).path("endpoints");
            assertThat(endpoints.size()).isEqualTo(3);
            assertThat(endpoints.get(0).path("name").asText()).isEqualTo("everything");
            assertThat(endpoints.get(0).path("status").path("state").asText()).isEqualTo("up");
            assertThat(endpoints.get(0).path("rateLimit").path("requestsPerMinute").asInt()).isEqualTo(120);
            assertThat(endpoints.get(1).path("status").path("state").asText()).isEqualTo("unauthorized");
            assertThat(endpoints.get(2).path("command").get(0).asText()).isEqualTo("node");
            // A tokenEnv names where the token comes from, not the token: it is shown so users can check it.
            assertThat(endpoints.get(2).path("auth").path("tokenEnv").asText()).isEqualTo("FILES_TOKEN");

            // A damaged file is reported as JSON, and its content (which may hold a token) is not echoed.
            Files.writeString(file, "{\"endpoints\": [{\"name\": \"x\", \"auth\": {\"token\": \"sk-broken-SECRET\"}");
            HttpResponse<Buffer> broken = get("/mcp");
            assertThat(broken.bodyAsString()).doesNotContain("sk-broken-SECRET");
            assertThat(json(broken)).isNotNull();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void policiesTellWhetherARuntimeIsAlive() throws Exception {
        JsonNode policies = json(get("/policies"));
        assertThat(policies.path("runtime").path("alive").asBoolean()).isFalse();
        assertThat(policies.path("status").isNull()).isTrue();
        assertThat(policies.path("file").asText()).isEqualTo(runs.state.policyFile().toString());
    }

    @Test
    void reloadWithoutARuntimeIs409AndASecondAtOnceIs429() throws Exception {
        HttpResponse<Buffer> first = post("/policies/reload");
        assertThat(first.statusCode()).isEqualTo(409);
        JsonNode body = json(first);
        assertThat(body.path("outcome").asText()).isEqualTo("no_runtime");
        assertThat(body.path("error").asText()).contains("no main runtime is running");

        HttpResponse<Buffer> second = post("/policies/reload");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(Integer.parseInt(second.getHeader("Retry-After"))).isBetween(1, 2);
        assertThat(json(second).path("error").asText()).contains("try again");
    }

    @Test
    void reloadThatTheRuntimeDoesNotAnswerIs503(Vertx vertx, @TempDir Path other) throws Exception {
        RealRuns quiet = new RealRuns(other);
        // A live process that ignores SIGHUP stands in for a runtime that has hung.
        Process deaf = new ProcessBuilder("sh", "-c", "trap '' HUP; exec sleep 120").start();
        Dashboard second = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!deaf.info().command().orElse("").endsWith("sleep")) {
                assertThat(System.nanoTime()).as("sh to exec sleep").isLessThan(deadline);
                Thread.onSpinWait();
            }
            Files.createDirectories(quiet.stateDir);
            PidFile.write(quiet.state.pidFile(), new PidFile.Owner(deaf.pid(), deaf.info().startInstant().orElse(null)));
            second = await(Dashboard.start(vertx, quiet.view(), DashboardOptions.defaults().withPort(0)
                    .withReload(Duration.ofMillis(400), Duration.ofSeconds(2))));
            WebClient c = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(second.port()));
            HttpResponse<Buffer> response = await(c.post("/policies/reload").send());
            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode body = json(response);
            assertThat(body.path("outcome").asText()).isEqualTo("no_answer");
            assertThat(body.path("pid").asLong()).isEqualTo(deaf.pid());
            assertThat(body.path("error").asText()).contains("reported nothing");
            assertThat(deaf.isAlive()).isTrue();
            JsonNode policies = json(await(c.get("/policies").send()));
            assertThat(policies.path("runtime").path("alive").asBoolean()).isTrue();
            assertThat(policies.path("runtime").path("pid").asLong()).isEqualTo(deaf.pid());
        } finally {
            deaf.destroyForcibly();
            if (second != null) {
                second.close();
            }
            quiet.close();
        }
    }

    @Test
    void thePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<Buffer> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.getHeader("Content-Type")).startsWith("text/html");
        assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'none'").contains("script-src 'self'");
        assertThat(page.bodyAsString()).contains("<title>dev-agent dashboard</title>").contains("/app.js").doesNotContain("http://", "https://");
        assertThat(page.bodyAsString()).contains("<script type=\"module\" src=\"/app.js\">");
        StringBuilder modules = new StringBuilder();
        for (String module : StaticAssets.MODULES) {
            HttpResponse<Buffer> served = get("/" + module);
            assertThat(served.statusCode()).as(module).isEqualTo(200);
            assertThat(served.getHeader("Content-Type")).as(module).startsWith("text/javascript");
            assertThat(served.getHeader("Content-Security-Policy")).as(module).contains("script-src 'self'");
            modules.append(served.bodyAsString());
        }
        // Every module the page imports is served, and none puts state in the page as HTML.
        assertThat(modules.toString()).contains("EventSource").doesNotContain("innerHTML", "from 'http", "import('http");
        java.util.regex.Matcher imports = java.util.regex.Pattern.compile("from '\\./([a-z-]+\\.js)'").matcher(modules);
        while (imports.find()) {
            assertThat(StaticAssets.MODULES).as("an imported module").contains(imports.group(1));
        }
        HttpResponse<Buffer> script = get("/app.js");
        assertThat(get("/app.css").getHeader("Content-Type")).startsWith("text/css");
        HttpResponse<Buffer> cached = await(client.get("/app.js").putHeader("If-None-Match", script.getHeader("ETag")).send());
        assertThat(cached.statusCode()).isEqualTo(304);
    }

    @Test
    void unknownRoutesAndMethodsAnswerJson() throws Exception {
        HttpResponse<Buffer> missing = get("/nothing/here");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("error").asText()).contains("/nothing/here");
        HttpResponse<Buffer> wrongMethod = await(client.request(HttpMethod.DELETE, "/runs").send());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(json(wrongMethod).path("error").asText()).contains("DELETE");
    }

    @Test
    void aPostFromAnotherSiteIsRefused() throws Exception {
        HttpResponse<Buffer> forged = await(client.post("/logs/run-a/ticket").putHeader("Origin", "http://evil.example").send());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(json(forged).path("error").asText()).contains("cross-origin");
        HttpResponse<Buffer> same = await(client.post("/logs/run-a/ticket")
                .putHeader("Origin", "http://127.0.0.1:" + dashboard.port()).send());
        assertThat(same.statusCode()).isEqualTo(201);
        assertThat(json(same).path("ticket").asText()).hasSizeGreaterThan(30);
    }
}
