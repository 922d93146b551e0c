package io.devagent.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;
import io.devagent.state.AtomicFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The format of {@code metrics.json}, its one reader and writer:
 * <pre>
 * {"updated_at": "...",
 *  "tools":  {"read_file": {"count", "p50_ms", "p95_ms", "max_ms", "total_ms", "buckets": [[le_ms, n], ...]}},
 *  "tokens": {"overall": {"prompt", "completion", "total"},
 *             "days": {"2026-12-02": {"prompt", "completion", "total"}, ...},          (UTC, the last {@value #MAX_DAYS})
 *             "runs": {"&lt;run_id&gt;": {"prompt", "completion", "total", "updated_at"}}},   (the {@value #MAX_RUNS} latest)
 *  "errors": {"&lt;kind&gt;": n}}
 * </pre>
 * Percentiles come from the merged latency histogram ({@code buckets}), so they stay right when
 * several processes add to the same file. The token rollup is bounded: {@code overall} counts every
 * token ever, {@code days} the last {@value #MAX_DAYS} days, {@code runs} the {@value #MAX_RUNS} runs
 * updated last; older entries live on in the snapshots {@code agent archive} takes of this file.
 */
public final class MetricsFile {

    private static final ReentrantLock IN_PROCESS = new ReentrantLock();
    /** Runs kept by name in {@code tokens.runs}; the oldest are dropped past this (overall and days keep their tokens). */
    static final int MAX_RUNS = 500;
    /** Days kept in {@code tokens.days}. */
    static final int MAX_DAYS = 92;

    private MetricsFile() {
    }

    public static ObjectNode read(Path file) {
        try {
            JsonNode node = Json.MAPPER.readTree(file.toFile());
            return node instanceof ObjectNode object ? object : empty();
        } catch (IOException e) {
            return empty();
        }
    }

    static void merge(Path file, MetricsDelta delta) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        IN_PROCESS.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            ObjectNode metrics = read(file);
            apply(metrics, delta);
            metrics.put("updated_at", Instant.now().toString());
            AtomicFiles.write(file, Json.pretty(metrics).getBytes(StandardCharsets.UTF_8), false);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    private static ObjectNode empty() {
        ObjectNode metrics = Json.object();
        metrics.putObject("tools");
        ObjectNode tokens = metrics.putObject("tokens");
        tokens.set("overall", tokensJson(Tokens.ZERO));
        tokens.putObject("runs");
        metrics.putObject("errors");
        return metrics;
    }

    private static void apply(ObjectNode metrics, MetricsDelta delta) {
        ObjectNode tools = metrics.with("tools");
        delta.tools.forEach((name, d) -> {
            ObjectNode tool = tools.with(name);
            Map<Double, Double> buckets = new TreeMap<>();
            tool.path("buckets").forEach(pair -> buckets.put(bound(pair.get(0)), pair.get(1).asDouble()));
            d.buckets().forEach((le, n) -> buckets.merge(le, n, Double::sum));
            long count = tool.path("count").asLong() + d.count();
            double max = Math.max(tool.path("max_ms").asDouble(), d.maxMs());
            tool.put("count", count);
            tool.put("total_ms", round(tool.path("total_ms").asDouble() + d.totalMs()));
            tool.put("max_ms", round(max));
            tool.put("p50_ms", round(Math.min(max, quantile(buckets, count, 0.5))));
            tool.put("p95_ms", round(Math.min(max, quantile(buckets, count, 0.95))));
            ArrayNode stored = tool.putArray("buckets");
            buckets.forEach((le, n) -> stored.addArray().add(Double.isInfinite(le) ? Json.MAPPER.getNodeFactory().textNode("+Inf")
                    : Json.MAPPER.getNodeFactory().numberNode(le)).add(n.longValue()));
        });
        ObjectNode tokens = metrics.with("tokens");
        ObjectNode runs = tokens.with("runs");
        Tokens overall = tokens(tokens.path("overall"));
        String now = Instant.now().toString();
        Tokens added = Tokens.ZERO;
        for (var entry : delta.runTokens.entrySet()) {
            Tokens run = tokens(runs.path(entry.getKey())).plus(entry.getValue());
            runs.set(entry.getKey(), tokensJson(run).put("updated_at", now));
            added = added.plus(entry.getValue());
        }
        for (var entry : delta.runTotals.entrySet()) {
            // A run's count only grows to its largest total: what was counted before a crash is not counted again.
            Tokens stored = tokens(runs.path(entry.getKey()));
            Tokens total = entry.getValue();
            Tokens d = new Tokens(Math.max(0, total.prompt() - stored.prompt()), Math.max(0, total.completion() - stored.completion()),
                    Math.max(0, total.total() - stored.total()));
            if (d.equals(Tokens.ZERO)) {
                continue;
            }
            runs.set(entry.getKey(), tokensJson(stored.plus(d)).put("updated_at", now));
            added = added.plus(d);
        }
        tokens.set("overall", tokensJson(overall.plus(added)));
        if (!added.equals(Tokens.ZERO)) {
            ObjectNode days = tokens.with("days");
            String today = now.substring(0, 10);
            days.set(today, tokensJson(tokens(days.path(today)).plus(added)));
            bound(days, MAX_DAYS, java.util.Comparator.naturalOrder());
        }
        bound(runs, MAX_RUNS, java.util.Comparator.comparing((String name) -> instant(runs.path(name).path("updated_at").asText("")))
                .thenComparing(java.util.Comparator.naturalOrder()));
        ObjectNode errors = metrics.with("errors");
        delta.errors.forEach((kind, n) -> errors.put(kind, errors.path(kind).asLong() + n));
    }

    /** Keeps the {@code max} fields of {@code node} that sort last. */
    private static void bound(ObjectNode node, int max, java.util.Comparator<String> order) {
        if (node.size() <= max) {
            return;
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(order);
        node.remove(names.subList(0, names.size() - max));
    }

    /** By time, not by text (fraction digits vary); none or bad first. */
    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /** Linear interpolation inside the bucket that holds the quantile, as Prometheus' histogram_quantile does. */
    static double quantile(Map<Double, Double> buckets, long count, double q) {
        if (count == 0) {
            return 0;
        }
        double rank = q * count;
        double seen = 0;
        double lower = 0;
        for (var bucket : buckets.entrySet()) {
            double upper = bucket.getKey();
            // Empty buckets are not stored: start from this bucket's own lower bound, not the previous stored one.
            lower = Math.max(lower, lowerBound(upper));
            if (seen + bucket.getValue() >= rank) {
                if (Double.isInfinite(upper)) {
                    return lower;
                }
                return lower + (upper - lower) * ((rank - seen) / bucket.getValue());
            }
            seen += bucket.getValue();
            lower = upper;
        }
        return lower;
    }

    /** The bucket below {@code upper} in {@link Metrics#BOUNDS_MS}, or 0 for a bound outside that scheme. */
    private static double lowerBound(double upper) {
        int i = java.util.Arrays.binarySearch(Metrics.BOUNDS_MS, upper);
        return i > 0 ? Metrics.BOUNDS_MS[i - 1] : 0;
    }

    private static double bound(JsonNode node) {
        return node.isTextual() ? Double.POSITIVE_INFINITY : node.asDouble();
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    public static Tokens tokens(JsonNode node) {
        return new Tokens(node.path("prompt").asLong(), node.path("completion").asLong(), node.path("total").asLong());
    }

    public static ObjectNode tokensJson(Tokens tokens) {
        return Json.object().put("prompt", tokens.prompt()).put("completion", tokens.completion()).put("total", tokens.total());
    }
}
