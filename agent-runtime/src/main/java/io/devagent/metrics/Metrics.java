package io.devagent.metrics;

import io.devagent.model.Tokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The runtime's meters (micrometer): tool latency, tokens and errors by kind. {@link #flush} merges
 * what was recorded since the last flush into {@code metrics.json}, so several processes sharing a
 * state directory add up instead of overwriting each other.
 */
public final class Metrics {

    /**
     * Upper bounds (ms) of the latency buckets kept for {@code metrics.json}: four per doubling, from
     * 0.01 ms to past 10 minutes. They are kept here, cumulative, rather than taken from micrometer,
     * whose histograms are time-windowed and, in a {@link SimpleMeterRegistry}, have no percentile buckets.
     */
    static final double[] BOUNDS_MS = bounds();

    private final MeterRegistry registry;
    private final Map<String, Timer> toolTimers = new ConcurrentHashMap<>();
    private final Map<String, Latency> toolLatency = new ConcurrentHashMap<>();
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
        this.promptTokens = Counter.builder("agent.tokens").tag("kind", "prompt").register(registry);
        this.completionTokens = Counter.builder("agent.tokens").tag("kind", "completion").register(registry);
        this.totalTokens = Counter.builder("agent.tokens").tag("kind", "total").register(registry);
    }

    /** How often, at most, a running run rewrites {@code metrics.json} behind it; the end of a run writes at once. */
    private static final long FLUSH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "metrics-flush");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean flushPending = new AtomicBoolean();
    private volatile long lastFlushNanos = System.nanoTime() - FLUSH_INTERVAL_NANOS;
    /** Guards scheduling and cancelling a flush, not the flush itself: a step never waits for the file. */
    private final Object scheduling = new Object();
    private ScheduledFuture<?> scheduledFlush;
    private final Counter promptTokens;
    private final Counter completionTokens;
    private final Counter totalTokens;

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
        toolLatency.computeIfAbsent(tool, name -> new Latency()).record(duration.toNanos());
        if (failed) {
            recordError("tool_error");
        }
    }

    /**
     * A reply's {@code usage}, and the run's whole count with it ({@code runTotal}, as its journal has it).
     * {@code metrics.json} keeps the run's count at the largest total seen, so a reply counted before a crash
     * and replayed from the journal after it is counted once.
     */
    public void recordTokens(String runId, Tokens usage, Tokens runTotal) {
        runTotals.merge(runId, runTotal, (a, b) -> b.total() >= a.total() ? b : a);
        promptTokens.increment(usage.prompt());
        completionTokens.increment(usage.completion());
        totalTokens.increment(usage.total());
    }

    private final Map<String, Tokens> runTotals = new ConcurrentHashMap<>();
    private final Map<String, Tokens> flushedRunTotals = new HashMap<>();

    public void recordTokens(String runId, Tokens tokens) {
        runTokens.merge(runId, tokens, Tokens::plus);
        promptTokens.increment(tokens.prompt());
        completionTokens.increment(tokens.completion());
        totalTokens.increment(tokens.total());
    }

    /**
     * Flushes soon, on a background thread, at most once a second, coalescing the requests that
     * arrive meanwhile: a step's checkpoint does not wait for the metrics file, and a fast run does
     * not rewrite it at every step. {@link #flush} still writes at once.
     */
    public void flushSoon(Path metricsFile) {
        synchronized (scheduling) {
            if (flushPending.compareAndSet(false, true)) {
                long delay = Math.max(0, lastFlushNanos + FLUSH_INTERVAL_NANOS - System.nanoTime());
                scheduledFlush = FLUSHER.schedule(() -> {
                    try {
                        flush(metricsFile);
                    } catch (IOException ignored) {
                        // the next flush (at the latest, the run's end, which is synchronous) writes it
                    }
                }, delay, TimeUnit.NANOSECONDS);
            }
        }
    }

    public void recordError(String kind) {
        Counter.builder("agent.errors").tag("kind", kind).register(registry).increment();
    }

    /**
     * Adds what was recorded since the last flush to {@code metrics.json}, atomically and under a file lock.
     * Flushes are grouped: a caller that arrives while another writes waits for the next write, which covers
     * it and every caller queued with it, instead of each run's end rewriting the file in turn (200 runs
     * ending together made 200 rewrites of a file that grows with the runs). It returns once its own
     * records are in the file, as before.
     */
    public void flush(Path metricsFile) throws IOException {
        long ticket = flushRequests.incrementAndGet(); // after this caller's records
        synchronized (flushLock) { // since Java 24 a virtual thread waiting on a monitor no longer pins its carrier
            if (flushedUpTo >= ticket) {
                return; // a write that began after this caller's records has covered them
            }
            long covers = flushRequests.get();
            // This write covers everything recorded so far: one still waiting would only write it again, later (after the run's end).
            synchronized (scheduling) {
                if (scheduledFlush != null) {
                    scheduledFlush.cancel(false);
                }
                flushPending.set(false);
            }
            lastFlushNanos = System.nanoTime();
            write(metricsFile);
            flushedUpTo = covers;
        }
    }

    private final Object flushLock = new Object();
    private final AtomicLong flushRequests = new AtomicLong();
    private long flushedUpTo; // guarded by flushLock

    private void write(Path metricsFile) throws IOException {
        MetricsDelta delta = new MetricsDelta();
        for (var entry : toolLatency.entrySet()) {
            String tool = entry.getKey();
            Latency latency = entry.getValue();
            // Total and max before the buckets: a call recorded meanwhile is counted at the next flush.
            double totalMs = latency.totalNanos.get() / 1e6;
            double max = latency.maxNanos.get() / 1e6;
            Map<Double, Double> buckets = latency.buckets();
            long cumulative = buckets.values().stream().mapToLong(Double::longValue).sum();
            Map<Double, Double> before = flushedBuckets.getOrDefault(tool, Map.of());
            Map<Double, Double> bucketDelta = new TreeMap<>();
            buckets.forEach((le, n) -> {
                double d = n - before.getOrDefault(le, 0.0);
                if (d > 0) {
                    bucketDelta.put(le, d);
                }
            });
            long count = cumulative - flushedToolCounts.getOrDefault(tool, 0L);
            double total = totalMs - flushedToolTotals.getOrDefault(tool, 0.0);
            if (count > 0) {
                delta.tools.put(tool, new MetricsDelta.Tool(count, total, max, bucketDelta));
            }
            flushedBuckets.put(tool, buckets);
            flushedToolCounts.put(tool, cumulative);
            flushedToolTotals.put(tool, totalMs);
        }
        runTokens.forEach((run, tokens) -> {
            Tokens before = flushedRunTokens.getOrDefault(run, Tokens.ZERO);
            Tokens d = new Tokens(tokens.prompt() - before.prompt(), tokens.completion() - before.completion(), tokens.total() - before.total());
            if (d.total() != 0 || d.prompt() != 0 || d.completion() != 0) {
                delta.runTokens.put(run, d);
            }
            flushedRunTokens.put(run, tokens);
        });
        runTotals.forEach((run, total) -> {
            if (!total.equals(flushedRunTotals.get(run))) {
                delta.runTotals.put(run, total);
                flushedRunTotals.put(run, total);
            }
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

    /** Every call since this instance began, in {@link #BOUNDS_MS} buckets (the last one is +Inf). */
    private static final class Latency {
        final AtomicLongArray counts = new AtomicLongArray(BOUNDS_MS.length + 1);
        final AtomicLong totalNanos = new AtomicLong();
        final AtomicLong maxNanos = new AtomicLong();

        void record(long nanos) {
            totalNanos.addAndGet(nanos);
            maxNanos.accumulateAndGet(nanos, Math::max);
            int i = Arrays.binarySearch(BOUNDS_MS, nanos / 1e6);
            counts.incrementAndGet(i >= 0 ? i : -i - 1);
        }

        /** Per-bucket counts keyed by upper bound in ms, non-empty buckets only. */
        Map<Double, Double> buckets() {
            Map<Double, Double> buckets = new TreeMap<>();
            for (int i = 0; i < counts.length(); i++) {
                long n = counts.get(i);
                if (n > 0) {
                    buckets.put(i < BOUNDS_MS.length ? BOUNDS_MS[i] : Double.POSITIVE_INFINITY, (double) n);
                }
            }
            return buckets;
        }
    }

    private static double[] bounds() {
        double[] bounds = new double[108];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = new BigDecimal(0.01 * Math.pow(2, i / 4.0)).round(new MathContext(3)).doubleValue();
        }
        return bounds;
    }
}
