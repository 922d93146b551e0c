package io.devagent.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The smoke settings of the concurrency benchmark, for real: a main runtime, its socket, a delayed model server process. */
class ConcurrencyBenchTest {

    @Test
    void smokeRunsEveryGoalToItsEndAndCountsRealSteps(@TempDir Path work) throws Exception {
        ConcurrencyBench.Settings smoke = ConcurrencyBench.Settings.SMOKE;
        int steps = smoke.toolSteps() + 1;

        ConcurrencyBench.Result result = ConcurrencyBench.measure(smoke, work);

        assertThat(result.runtime()).hasSize(smoke.batches());
        for (RuntimeBatch.Batch batch : result.runtime()) {
            // RuntimeBatch throws unless every run succeeded with exactly this many steps; the totals say so too.
            assertThat(batch.stepsCommitted()).isEqualTo((long) smoke.runs() * steps);
            assertThat(batch.server().requests()).as("one model request per step").isEqualTo((long) smoke.runs() * steps);
            assertThat(batch.runNanos()).hasSize(smoke.runs());
            assertThat(java.util.Arrays.stream(batch.runNanos()).min().orElseThrow()).as("no run can beat the model's delay")
                    .isGreaterThanOrEqualTo(steps * smoke.delayMillis() * 1_000_000L);
            assertThat(batch.stepsPerSecond()).isPositive().isLessThanOrEqualTo(smoke.idealStepsPerSecond());
            assertThat(batch.runtimeCpuNanos()).isPositive();
            assertThat(batch.server().cpuNanos()).isPositive();
        }
        assertThat(result.baseline()).hasSize(smoke.batches()).allSatisfy(batch -> {
            assertThat(batch.server().requests()).isEqualTo(batch.roundTrips());
            assertThat(batch.perSecond()).isPositive().isLessThanOrEqualTo(smoke.idealStepsPerSecond());
        });
        assertThat(ConcurrencyReport.render(result)).contains("steps/s").contains("% of ideal");
    }
}
