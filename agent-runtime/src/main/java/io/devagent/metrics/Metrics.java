package io.devagent.metrics;

import io.devagent.checkpoint.Snapshot.Tokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's meters (micrometer): tool latency, tokens and errors by kind. {@link #flush} merges
 * what was recorded since the last flush into {@code metrics.json}, so several processes sharing a
 * state directory add up instead of overwriting each other.
 */
public final class Metrics {

    private final MeterRegistry registry;
    private final Map<String, Timer> toolTimers = new ConcurrentHashMap<>();
    private final Map<String, Tokens> runTokens = new ConcurrentHashMap<>();
    private final Map<String, Double> flushedErrors = new HashMap<>();
    private final Map<String, Map<Double, Double>> flushedBuckets = new HashMap<>();
    private final Map<String, Long> flushedToolCounts = new HashMap<>();
    private final Map<String, Double> flushedToolTotals = new HashMap<>();
    private final Map<String, Tokens> flushedRunTokens = new HashMap<>();

    public Metrics() {
        this(new SimpleMeterRegistry());
    }

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void recordTool(String tool, Duration duration, boolean failed) {
        toolTimers.computeIfAbsent(tool, name -> Timer.builder("agent.tool.latency")
                .tag("tool", name)
                .publishPercentiles(0.5, 0.95)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)).record(duration);
        if (failed) {
            recordError("tool_error");
        }
    }

    public void recordTokens(String runId, Tokens tokens) {
        runTokens.merge(runId, tokens, Tokens::plus);
        Counter.builder("agent.tokens").tag("kind", "prompt").register(registry).increment(tokens.prompt());
        Counter.builder("agent.tokens").tag("kind", "completion").register(registry).increment(tokens.completion());
        Counter.builder("agent.tokens").tag("kind", "total").register(registry).increment(tokens.total());
    }

    public void recordError(String kind) {
        Counter.builder("agent.errors").tag("kind", kind).register(registry).increment();
    }

    /** Adds what was recorded since the last flush to {@code metrics.json}, atomically and under a file lock. */
    public synchronized void flush(Path metricsFile) throws IOException {
        MetricsDelta delta = new MetricsDelta();
        for (var entry : toolTimers.entrySet()) {
            String tool = entry.getKey();
            var snapshot = entry.getValue().takeSnapshot();
            Map<Double, Double> buckets = perBucketMillis(snapshot.histogramCounts(), snapshot.count());
            Map<Double, Double> before = flushedBuckets.getOrDefault(tool, Map.of());
            Map<Double, Double> bucketDelta = new TreeMap<>();
            buckets.forEach((le, n) -> {
                double d = n - before.getOrDefault(le, 0.0);
                if (d > 0) {
                    bucketDelta.put(le, d);
                }
            });
            long count = snapshot.count() - flushedToolCounts.getOrDefault(tool, 0L);
            double total = snapshot.total(TimeUnit.MILLISECONDS) - flushedToolTotals.getOrDefault(tool, 0.0);
            double max = snapshot.max(TimeUnit.MILLISECONDS);
            if (count > 0) {
                delta.tools.put(tool, new MetricsDelta.Tool(count, total, max, bucketDelta));
            }
            flushedBuckets.put(tool, buckets);
            flushedToolCounts.put(tool, snapshot.count());
            flushedToolTotals.put(tool, snapshot.total(TimeUnit.MILLISECONDS));
        }
        runTokens.forEach((run, tokens) -> {
            Tokens before = flushedRunTokens.getOrDefault(run, Tokens.ZERO);
            Tokens d = new Tokens(tokens.prompt() - before.prompt(), tokens.completion() - before.completion(), tokens.total() - before.total());
            if (d.total() != 0 || d.prompt() != 0 || d.completion() != 0) {
                delta.runTokens.put(run, d);
            }
            flushedRunTokens.put(run, tokens);
        });
        registry.find("agent.errors").counters().forEach(counter -> {
            String kind = counter.getId().getTag("kind");
            double d = counter.count() - flushedErrors.getOrDefault(kind, 0.0);
            if (d > 0) {
                delta.errors.put(kind, (long) d);
            }
            flushedErrors.put(kind, counter.count());
        });
        MetricsFile.merge(metricsFile, delta);
    }

    /** Micrometer's cumulative bucket counts (in nanoseconds) as per-bucket counts keyed by upper bound in ms. */
    private static Map<Double, Double> perBucketMillis(CountAtBucket[] cumulative, long count) {
        Map<Double, Double> buckets = new TreeMap<>();
        double previous = 0;
        for (CountAtBucket bucket : cumulative) {
            double n = bucket.count() - previous;
            if (n > 0) {
                buckets.put(bucket.bucket(TimeUnit.MILLISECONDS), n);
            }
            previous = bucket.count();
        }
        if (count > previous) {
            buckets.put(Double.POSITIVE_INFINITY, count - previous);
        }
        return buckets;
    }
}
