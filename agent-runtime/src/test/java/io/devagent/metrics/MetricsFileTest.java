package io.devagent.metrics;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsFileTest {

    private static Map<Double, Double> buckets(double... pairs) {
        Map<Double, Double> map = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void quantilesInterpolateInsideTheirBucket() {
        Map<Double, Double> b = buckets(1, 10, 2, 10);
        assertThat(MetricsFile.quantile(b, 20, 0.5)).isCloseTo(1.0, within(1e-9));
        assertThat(MetricsFile.quantile(b, 20, 0.75)).isCloseTo(1.5, within(1e-9));
        assertThat(MetricsFile.quantile(b, 20, 0.25)).isCloseTo(0.5, within(1e-9));
        assertThat(MetricsFile.quantile(b, 20, 1.0)).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void aQuantileInTheOverflowBucketIsItsLowerBound() {
        Map<Double, Double> b = buckets(10, 1, Double.POSITIVE_INFINITY, 9);
        assertThat(MetricsFile.quantile(b, 10, 0.95)).isEqualTo(10.0);
    }

    @Test
    void aLoneBucketInterpolatesFromItsOwnLowerBoundNotFromZero() {
        double[] bounds = Metrics.BOUNDS_MS;
        int i = java.util.Arrays.binarySearch(bounds, 5.12);
        assertThat(i).as("5.12 ms is a bucket bound").isPositive();
        Map<Double, Double> b = buckets(bounds[i], 9, bounds[i + 10], 1);
        double p50 = MetricsFile.quantile(b, 10, 0.5);
        assertThat(p50).isBetween(bounds[i - 1], bounds[i]);
        double p95 = MetricsFile.quantile(b, 10, 0.95);
        assertThat(p95).isBetween(bounds[i + 9], bounds[i + 10]);
    }

    @Test
    void noCallsGiveZero() {
        assertThat(MetricsFile.quantile(buckets(), 0, 0.5)).isZero();
    }

    @Test
    void quantilesAreMonotonic() {
        Map<Double, Double> b = buckets(1, 3, 5, 1, 20, 7, 100, 2);
        double previous = 0;
        for (double q = 0.05; q <= 1.0; q += 0.05) {
            double v = MetricsFile.quantile(b, 13, q);
            assertThat(v).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(100);
            previous = v;
        }
    }
}
