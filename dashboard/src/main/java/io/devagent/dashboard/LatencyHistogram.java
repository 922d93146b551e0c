package io.devagent.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

/**
 * Durations in log-spaced buckets (20 a decade, from 1 µs to 10⁷ ms: within 12 % of the true value), so
 * that a run of a million tool calls keeps 200 counters per tool, not a million numbers. The max is
 * exact; p50 and p95 are the upper edge of their bucket, never above the max.
 */
final class LatencyHistogram {

    private static final int PER_DECADE = 20;
    private static final int LOWEST = -3 * PER_DECADE; // 10^-3 ms
    private static final int BUCKETS = 10 * PER_DECADE + 1; // up to 10^7 ms

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long failed;
    private double max;

    void add(double millis, boolean ok) {
        int bucket = millis <= 0 ? 0 : (int) Math.ceil(Math.log10(millis) * PER_DECADE) - LOWEST;
        counts[Math.max(0, Math.min(BUCKETS - 1, bucket))]++;
        count++;
        if (!ok) {
            failed++;
        }
        max = Math.max(max, millis);
    }

    private double quantile(double q) {
        long rank = (long) Math.ceil(q * count);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return Math.min(max, Math.pow(10, (i + LOWEST) / (double) PER_DECADE));
            }
        }
        return max;
    }

    ObjectNode toJson() {
        return Json.object().put("count", count).put("failed", failed).put("p50_ms", round(quantile(0.5)))
                .put("p95_ms", round(quantile(0.95))).put("max_ms", round(max));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
