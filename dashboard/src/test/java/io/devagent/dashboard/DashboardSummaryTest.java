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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.vertx.core.Future.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /runs/<id>/summary} and what {@code /runs} says of each run, over real runs: the whole
 * run folded (events by type, tokens by step, tool latency, denials, the last word), read
 * incrementally (a second request reads only what was appended), folded again when the log goes; the
 * runs table's search, live flag and denial count.
 */
class DashboardSummaryTest extends ServedRunsTest {

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        runs.finished("run-a", "Summarize the repository for a newcomer");
        runs.refused("run-refused", "Clean the build directory");
        runs.stepLimit("run-limit", "List until told to stop", 4);
        serve(vertx, DashboardOptions.defaults().withRunsMaxAge(Duration.ZERO));
    }

    private JsonNode get(String uri, int status) throws Exception {
        HttpResponse<Buffer> response = await(client.get(uri).send());
        assertThat(response.statusCode()).as(uri + ": " + response.bodyAsString()).isEqualTo(status);
        return Json.parse(response.bodyAsString());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("runs").forEach(r -> ids.add(r.path("run_id").asText()));
        return ids;
    }

    @Test
    void theSummaryFoldsTheWholeRun() throws Exception {
        JsonNode a = get("/runs/run-a/summary", 200);
        long lines = Files.readAllLines(runs.auditLog("run-a")).size();
        assertThat(a.path("events").asLong()).isEqualTo(lines);
        assertThat(a.path("last_seq").asLong()).isEqualTo(lines);
        assertThat(a.path("steps").asInt()).isEqualTo(3);
        assertThat(a.path("types").path("model_response").asInt()).isEqualTo(3);
        assertThat(a.path("types").path("tool_result").asInt()).isEqualTo(2);
        JsonNode byStep = a.path("tokens").path("by_step");
        assertThat(byStep.size()).isEqualTo(3);
        long total = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(byStep.get(i).get(0).asInt()).isEqualTo(i + 1);
            assertThat(byStep.get(i).get(1).asInt()).isEqualTo(i + 1);
            total += byStep.get(i).get(2).asLong() + byStep.get(i).get(3).asLong();
        }
        assertThat(total).isEqualTo(a.path("tokens").path("total").asLong())
                .isEqualTo(runs.view().run("run-a").orElseThrow().tokens().total());
        assertThat(a.path("tools").path("list_files").path("count").asInt()).isEqualTo(1);
        assertThat(a.path("tools").path("read_file").path("count").asInt()).isEqualTo(1);
        assertThat(a.path("tools").path("read_file").path("max_ms").asDouble()).isPositive();
        assertThat(a.path("denials").asInt()).isZero();
        assertThat(a.path("last_word").path("type").asText()).isEqualTo("run_finished");
        assertThat(a.path("audit_log").asBoolean()).isTrue();
        assertThat(a.path("archived").asBoolean()).isFalse();

        JsonNode refused = get("/runs/run-refused/summary", 200);
        assertThat(refused.path("denials").asInt()).isEqualTo(3);
        assertThat(refused.path("last_denial").asText()).startsWith("run_shell: ").contains("run_shell");
        assertThat(refused.path("tools").path("run_shell").path("failed").asInt()).isEqualTo(3);

        JsonNode limit = get("/runs/run-limit/summary", 200);
        assertThat(limit.path("steps").asInt()).isEqualTo(4);
        assertThat(limit.path("last_word").path("text").asText()).contains("step limit");

        assertThat(get("/runs/no-such-run/summary", 404).path("error").asText()).contains("no-such-run");
        assertThat(get("/runs/..%2Fcheckpoints/summary", 404).path("error").asText()).isNotBlank();
    }

    @Test
    void aSecondRequestReadsOnlyWhatWasAppendedAndAVanishedLogIsFoldedAgain() throws Exception {
        Path log = runs.auditLog("run-a");
        JsonNode first = get("/runs/run-a/summary", 200);
        assertThat(first.path("read_bytes").asLong()).isEqualTo(Files.size(log));
        assertThat(get("/runs/run-a/summary", 200).path("read_bytes").asLong()).isZero();

        long before = Files.size(log);
        try (AuditLog audit = AuditLog.open(log, "run-a", Redactor.none())) {
            audit.append("policy_denied", Json.object().put("step", 4).put("name", "run_shell").put("reason", "not allowed"));
            audit.append("compaction", Json.object().put("step", 4).put("messages_before", 40).put("messages_after", 6));
            audit.sync();
        }
        JsonNode grown = get("/runs/run-a/summary", 200);
        assertThat(grown.path("read_bytes").asLong()).isEqualTo(Files.size(log) - before);
        assertThat(grown.path("events").asLong()).isEqualTo(first.path("events").asLong() + 2);
        assertThat(grown.path("denials").asInt()).isEqualTo(1);
        assertThat(grown.path("compactions").asInt()).isEqualTo(1);

        // Rotated into the archive: the summary says so and no longer counts what is gone.
        Files.createDirectories(runs.state.archive());
        Files.move(log, runs.state.archive().resolve(log.getFileName()));
        JsonNode archived = get("/runs/run-a/summary", 200);
        assertThat(archived.path("audit_log").asBoolean()).isFalse();
        assertThat(archived.path("archived").asBoolean()).isTrue();
        assertThat(archived.path("events").asLong()).isZero();
        assertThat(archived.path("denials").asInt()).isZero();
        JsonNode row = null;
        for (JsonNode r : get("/runs", 200).path("runs")) {
            if (r.path("run_id").asText().equals("run-a")) {
                row = r;
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.path("archived").asBoolean()).as("the runs table marks it: " + row).isTrue();
    }

    @Test
    void aLogLargerThanARequestsBudgetIsFoldedOverSeveralRequestsToTheSameSummary() throws Exception {
        JsonNode whole = new RunSummaries(runs.view()).summary("run-limit");
        assertThat(whole.path("complete").asBoolean()).isTrue();
        RunSummaries small = new RunSummaries(runs.view(), 2048);
        long size = Files.size(runs.auditLog("run-limit"));
        JsonNode partial = small.summary("run-limit");
        assertThat(partial.path("complete").asBoolean()).isFalse();
        assertThat(partial.path("read_to").asLong()).isLessThan(size);
        assertThat(partial.path("log_bytes").asLong()).isEqualTo(size);
        int requests = 1;
        while (!partial.path("complete").asBoolean()) {
            partial = small.summary("run-limit");
            assertThat(partial.path("read_bytes").asLong()).as("one line past the budget at most").isLessThanOrEqualTo(2048 + 4096);
            assertThat(++requests).as("requests to fold the log").isLessThan(1000);
        }
        assertThat(requests).isGreaterThan(2);
        for (String field : List.of("events", "last_seq", "steps", "types", "tokens", "tools", "denials", "last_word")) {
            assertThat(partial.path(field)).as(field).isEqualTo(whole.path(field));
        }
    }

    @Test
    void theRunsTableSearchesGoalsAndSaysLiveAndDenials() throws Exception {
        assertThat(ids(get("/runs?q=newcomer", 200))).containsExactly("run-a");
        assertThat(ids(get("/runs?q=BUILD+clean", 200))).containsExactly("run-refused");
        assertThat(ids(get("/runs?q=run-limit", 200))).containsExactly("run-limit");
        JsonNode none = get("/runs?q=nothing+like+this", 200);
        assertThat(none.path("total").asInt()).isZero();
        assertThat(ids(get("/runs?status=failed", 200))).containsExactly("run-limit");
        assertThat(get("/runs?status=cancelled", 200).path("total").asInt()).isZero();
        assertThat(get("/runs?status=bogus", 400).path("error").asText()).contains("awaiting_approval").contains("interrupted");

        // The summary folds the log; the table shows what it found, and never waits for it.
        get("/runs/run-refused/summary", 200);
        JsonNode page = get("/runs", 200);
        for (JsonNode row : page.path("runs")) {
            assertThat(row.path("live").asBoolean()).as("a finished run is not live").isFalse();
            if (row.path("run_id").asText().equals("run-refused")) {
                assertThat(row.path("denials").asInt()).isEqualTo(3);
                assertThat(row.path("status").asText()).isEqualTo("succeeded");
            }
        }
        JsonNode snapshot = get("/checkpoints/run-a", 200);
        assertThat(snapshot.path("live").asBoolean()).isFalse();
        assertThat(snapshot.path("status").asText()).isEqualTo("succeeded");
    }
}
