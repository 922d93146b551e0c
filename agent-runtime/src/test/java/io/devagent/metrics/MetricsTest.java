package io.devagent.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("metrics.json");
    }

    private JsonNode read() throws Exception {
        return Json.MAPPER.readTree(file().toFile());
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** count, p50 <= p95 <= max, and the stored buckets add up to count. */
    private static void assertToolConsistent(JsonNode tool, long count) {
        assertThat(tool.get("count").asLong()).isEqualTo(count);
        double p50 = tool.get("p50_ms").asDouble();
        double p95 = tool.get("p95_ms").asDouble();
        double max = tool.get("max_ms").asDouble();
        assertThat(p50).isPositive().isLessThanOrEqualTo(p95);
        assertThat(p95).isLessThanOrEqualTo(max);
        long inBuckets = 0;
        for (JsonNode bucket : tool.get("buckets")) {
            inBuckets += bucket.get(1).asLong();
        }
        assertThat(inBuckets).as("the histogram holds every call").isEqualTo(count);
    }

    private static void assertTokens(JsonNode node, long prompt, long completion, long total) {
        assertThat(node.get("prompt").asLong()).isEqualTo(prompt);
        assertThat(node.get("completion").asLong()).isEqualTo(completion);
        assertThat(node.get("total").asLong()).isEqualTo(total);
    }

    @Test
    void flushWritesToolLatencyTokensAndErrors() throws Exception {
        Metrics metrics = new Metrics();
        for (int i = 0; i < 9; i++) {
            metrics.recordTool("read_file", ms(5), false);
        }
        metrics.recordTool("read_file", ms(40), false);
        metrics.recordTool("run_shell", ms(250), true);
        metrics.recordTokens("run-1", new Tokens(100, 20, 120));
        metrics.recordTokens("run-1", new Tokens(50, 10, 60));
        metrics.recordTokens("run-2", new Tokens(7, 3, 10));
        metrics.recordError("model_timeout");
        metrics.recordError("model_timeout");

        metrics.flush(file());

        JsonNode json = read();
        JsonNode readFile = json.at("/tools/read_file");
        assertToolConsistent(readFile, 10);
        assertThat(readFile.get("max_ms").asDouble()).isCloseTo(40, within(0.01));
        assertThat(readFile.get("p50_ms").asDouble()).as("p50 of nine 5 ms calls and one 40 ms call").isBetween(4.3, 5.2);
        assertThat(readFile.get("p95_ms").asDouble()).isBetween(34.0, 40.0);
        assertThat(readFile.get("total_ms").asDouble()).isCloseTo(85, within(0.01));
        JsonNode shell = json.at("/tools/run_shell");
        assertToolConsistent(shell, 1);
        assertThat(shell.get("max_ms").asDouble()).isCloseTo(250, within(0.01));

        assertTokens(json.at("/tokens/overall"), 157, 33, 190);
        assertTokens(json.at("/tokens/runs/run-1"), 150, 30, 180);
        assertTokens(json.at("/tokens/runs/run-2"), 7, 3, 10);

        assertThat(json.at("/errors/model_timeout").asLong()).isEqualTo(2);
        assertThat(json.at("/errors/tool_error").asLong()).as("a failed tool call is an error").isEqualTo(1);
        java.time.Instant.parse(json.get("updated_at").asText());
    }

    @Test
    void flushingTwiceDoesNotDoubleCount() throws Exception {
        Metrics metrics = new Metrics();
        metrics.recordTool("read_file", ms(3), false);
        metrics.recordTool("read_file", ms(9), false);
        metrics.recordTokens("run-1", new Tokens(10, 5, 15));
        metrics.recordError("policy_denied");
        metrics.flush(file());
        String first = ((com.fasterxml.jackson.databind.node.ObjectNode) read()).without("updated_at").toString();

        metrics.flush(file());
        assertThat(((com.fasterxml.jackson.databind.node.ObjectNode) read()).without("updated_at").toString()).isEqualTo(first);

        metrics.recordTool("read_file", ms(6), false);
        metrics.recordTokens("run-1", new Tokens(1, 1, 2));
        metrics.flush(file());
        metrics.flush(file());
        JsonNode json = read();
        assertToolConsistent(json.at("/tools/read_file"), 3);
        assertThat(json.at("/tools/read_file/max_ms").asDouble()).isCloseTo(9, within(0.01));
        assertTokens(json.at("/tokens/runs/run-1"), 11, 6, 17);
        assertTokens(json.at("/tokens/overall"), 11, 6, 17);
        assertThat(json.at("/errors/policy_denied").asLong()).isEqualTo(1);
    }

    @Test
    void twoInstancesFlushingIntoTheSameFileAddUp() throws Exception {
        Metrics fast = new Metrics();
        Metrics slow = new Metrics();
        for (int i = 0; i < 10; i++) {
            fast.recordTool("search_files", ms(1), false);
            slow.recordTool("search_files", ms(100), false);
        }
        fast.recordTokens("run-a", new Tokens(10, 1, 11));
        slow.recordTokens("run-b", new Tokens(20, 2, 22));
        slow.recordTokens("run-a", new Tokens(1, 1, 2));
        fast.recordError("tool_error");
        slow.recordError("tool_error");
        slow.recordError("model_unavailable");

        fast.flush(file());
        slow.flush(file());
        fast.flush(file());

        JsonNode json = read();
        JsonNode tool = json.at("/tools/search_files");
        assertToolConsistent(tool, 20);
        assertThat(tool.get("max_ms").asDouble()).isCloseTo(100, within(0.01));
        // From the merged histogram: half the calls took 1 ms, half 100 ms.
        assertThat(tool.get("p50_ms").asDouble()).isLessThan(2);
        assertThat(tool.get("p95_ms").asDouble()).isGreaterThan(80);
        assertThat(tool.get("total_ms").asDouble()).isCloseTo(1010, within(0.01));
        assertTokens(json.at("/tokens/runs/run-a"), 11, 2, 13);
        assertTokens(json.at("/tokens/runs/run-b"), 20, 2, 22);
        assertTokens(json.at("/tokens/overall"), 31, 4, 35);
        assertThat(json.at("/errors/tool_error").asLong()).isEqualTo(2);
        assertThat(json.at("/errors/model_unavailable").asLong()).isEqualTo(1);
    }

    @Test
    void concurrentFlushesFromSeveralInstancesLoseNothing() throws Exception {
        int writers = 4;
        int rounds = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Metrics metrics = new Metrics();
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        metrics.recordTool("write_file", ms(2), false);
                        metrics.recordTokens("run-x", new Tokens(1, 1, 2));
                        metrics.recordError("tool_error");
                        metrics.flush(file());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode json = read();
        assertToolConsistent(json.at("/tools/write_file"), writers * rounds);
        assertTokens(json.at("/tokens/overall"), writers * rounds, writers * rounds, 2L * writers * rounds);
        assertThat(json.at("/errors/tool_error").asLong()).isEqualTo(writers * rounds);
    }

    @Test
    void theHistogramKeepsEveryCallWhenFlushesAreMinutesApart() throws Exception {
        // A long-lived runtime flushes at each step; steps can be minutes apart.
        MockClock clock = new MockClock();
        Metrics metrics = new Metrics(new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock));
        for (int round = 1; round <= 4; round++) {
            for (int i = 0; i < 5; i++) {
                metrics.recordTool("run_shell", ms(10 * round), false);
            }
            metrics.flush(file());
            clock.add(Duration.ofMinutes(5));
        }
        JsonNode tool = read().at("/tools/run_shell");
        assertToolConsistent(tool, 20);
        assertThat(tool.get("max_ms").asDouble()).isCloseTo(40, within(0.01));
        assertThat(tool.get("p50_ms").asDouble()).isBetween(15.0, 25.0);
        assertThat(tool.get("p95_ms").asDouble()).isBetween(30.0, 40.0);
    }

    @Test
    void callsUpToTenMinutesLandInARealBucket() throws Exception {
        assertThat(Metrics.BOUNDS_MS[Metrics.BOUNDS_MS.length - 1]).isGreaterThanOrEqualTo(600_000);
        Metrics metrics = new Metrics();
        metrics.recordTool("run_shell", Duration.ofMinutes(10), false);
        metrics.recordTool("run_shell", Duration.ofMinutes(10), false);
        metrics.recordTool("run_shell", Duration.ofHours(2), false);
        metrics.flush(file());
        JsonNode tool = read().at("/tools/run_shell");
        assertToolConsistent(tool, 3);
        assertThat(tool.get("p50_ms").asDouble()).isBetween(500_000.0, 720_000.0);
        assertThat(tool.get("max_ms").asDouble()).isCloseTo(7_200_000, within(0.01));
        JsonNode last = tool.get("buckets").get(tool.get("buckets").size() - 1);
        assertThat(last.get(0).asText()).isEqualTo("+Inf");
        assertThat(last.get(1).asLong()).isEqualTo(1);
    }

    @Test
    void aMissingOrCorruptFileReadsAsEmptyAndIsReplacedOnFlush() throws Exception {
        JsonNode empty = MetricsFile.read(file());
        assertThat(empty.get("tools").size()).isZero();
        assertTokens(empty.at("/tokens/overall"), 0, 0, 0);
        assertThat(empty.get("errors").size()).isZero();

        Files.writeString(file(), "{\"tools\": {\"read_fi");
        assertThat(MetricsFile.read(file()).get("tools").size()).isZero();
        Files.writeString(file(), "[1, 2]");
        assertThat(MetricsFile.read(file()).has("tokens")).isTrue();

        Metrics metrics = new Metrics();
        metrics.recordError("x_error");
        metrics.flush(file());
        assertThat(read().at("/errors/x_error").asLong()).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp"))).isEmpty();
        }
    }

    @Test
    void flushesOfOneInstanceFromManyRunsAtOnceAreGroupedAndEachReturnsWithItsRunWritten() throws Exception {
        // The main runtime's runs share one Metrics; each run's end flushes and must find its tokens in the file.
        Metrics metrics = new Metrics();
        int runs = 32;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            List<Future<JsonNode>> seen = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                String run = "run-" + i;
                seen.add(pool.submit(() -> {
                    gate.await();
                    metrics.recordTokens(run, new Tokens(10, 5, 15));
                    metrics.recordTool("read_file", ms(2), false);
                    metrics.flush(file());
                    return read().path("tokens").path("runs").path(run);
                }));
            }
            gate.countDown();
            for (Future<JsonNode> f : seen) {
                assertTokens(f.get(30, TimeUnit.SECONDS), 10, 5, 15);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode all = read();
        assertThat(all.path("tokens").path("runs").size()).isEqualTo(runs);
        assertTokens(all.path("tokens").path("overall"), 10L * runs, 5L * runs, 15L * runs);
        assertToolConsistent(all.path("tools").path("read_file"), runs);
    }

    @Test
    void aReplyCountedBeforeACrashAndReplayedAfterItIsCountedOnce() throws Exception {
        Metrics beforeCrash = new Metrics();
        beforeCrash.recordTokens("run-c", new Tokens(8, 2, 10), new Tokens(8, 2, 10));
        beforeCrash.recordTokens("run-c", new Tokens(4, 1, 5), new Tokens(12, 3, 15)); // journaled, not yet committed
        beforeCrash.flush(file());

        // The resumed run replays the journaled reply (its total is 15 again), then goes on.
        Metrics afterCrash = new Metrics();
        afterCrash.recordTokens("run-c", new Tokens(4, 1, 5), new Tokens(12, 3, 15));
        afterCrash.recordTokens("run-c", new Tokens(6, 1, 7), new Tokens(18, 4, 22));
        afterCrash.flush(file());

        JsonNode json = read();
        assertTokens(json.at("/tokens/runs/run-c"), 18, 4, 22);
        assertTokens(json.at("/tokens/overall"), 18, 4, 22);
        assertThat(json.at("/tokens/days").size()).isEqualTo(1);
        assertTokens(json.at("/tokens/days").elements().next(), 18, 4, 22);
    }

    @Test
    void theTokenRollupKeepsTheLatestRunsByNameAndCountsEveryToken() throws Exception {
        int runs = MetricsFile.MAX_RUNS + 25;
        for (int i = 0; i < runs; i++) {
            Metrics metrics = new Metrics(); // one process per run, as local runs are
            metrics.recordTokens(String.format("run-%04d", i), new Tokens(2, 1, 3), new Tokens(2, 1, 3));
            metrics.flush(file());
        }
        JsonNode json = read();
        assertThat(json.at("/tokens/runs").size()).isEqualTo(MetricsFile.MAX_RUNS);
        assertThat(json.at("/tokens/runs").has("run-0000")).isFalse();
        assertThat(json.at("/tokens/runs").has(String.format("run-%04d", runs - 1))).isTrue();
        assertTokens(json.at("/tokens/overall"), 2L * runs, runs, 3L * runs);
        long days = 0;
        for (JsonNode day : json.at("/tokens/days")) {
            days += day.path("total").asLong();
        }
        assertThat(days).isEqualTo(3L * runs);
    }
}
