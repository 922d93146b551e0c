package io.devagent.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a set of timings, kept in nanoseconds. */
record Summary(int count, double median, double p95, double mean, long min, long max) {

    static Summary of(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        double p95 = sorted[Math.max(0, (int) Math.ceil(0.95 * n) - 1)];
        double mean = Arrays.stream(sorted).average().orElse(0);
        return new Summary(n, median, p95, mean, sorted[0], sorted[n - 1]);
    }

    static Summary of(List<Long> nanos) {
        return of(nanos.stream().mapToLong(Long::longValue).toArray());
    }

    double medianMs() {
        return median / 1e6;
    }

    double p95Ms() {
        return p95 / 1e6;
    }
}
