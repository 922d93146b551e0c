package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The bounded pieces of a run's summary: tokens by step over any number of steps, latency quantiles from buckets. */
class SummarySeriesTest {

    @Test
    void tokensByStepStayWithinTheirBarsAndLoseNoToken() {
        TokenSeries series = new TokenSeries();
        long prompt = 0;
        long completion = 0;
        int steps = 100_000;
        for (int step = 1; step <= steps; step++) {
            series.set(step, step % 97, step % 13, false);
            prompt += step % 97;
            completion += step % 13;
        }
        JsonNode bars = series.toJson(120, steps);
        assertThat(bars.size()).isBetween(2, 120);
        long p = 0;
        long c = 0;
        int expectedFrom = 1;
        for (JsonNode bar : bars) {
            assertThat(bar.get(0).asInt()).as("bars are contiguous").isEqualTo(expectedFrom);
            expectedFrom = bar.get(1).asInt() + 1;
            p += bar.get(2).asLong();
            c += bar.get(3).asLong();
        }
        assertThat(bars.get(bars.size() - 1).get(1).asInt()).isEqualTo(steps);
        assertThat(p).isEqualTo(prompt);
        assertThat(c).isEqualTo(completion);
    }

    @Test
    void aShortRunHasABarAStepAndAReplayedStepCountsOnce() {
        TokenSeries series = new TokenSeries();
        series.set(1, 100, 10, false);
        series.set(2, 200, 20, false);
        series.set(2, 200, 20, true); // the same reply, replayed from the journal after a resume
        JsonNode bars = series.toJson(120, 2);
        assertThat(bars.toString()).isEqualTo("[[1,1,100,10],[2,2,200,20]]");
    }

    @Test
    void latencyQuantilesAreWithinABucketOfTheTruth() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) {
            histogram.add(i, i % 10 != 0);
        }
        ObjectNode json = histogram.toJson();
        assertThat(json.path("count").asLong()).isEqualTo(1000);
        assertThat(json.path("failed").asLong()).isEqualTo(100);
        assertThat(json.path("max_ms").asDouble()).isEqualTo(1000.0);
        assertThat(json.path("p50_ms").asDouble()).isCloseTo(500, within(500 * 0.13));
        assertThat(json.path("p95_ms").asDouble()).isCloseTo(950, within(950 * 0.13));
        assertThat(json.path("p95_ms").asDouble()).isLessThanOrEqualTo(1000.0);
    }
}
