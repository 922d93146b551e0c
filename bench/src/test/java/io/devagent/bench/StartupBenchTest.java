package io.devagent.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup benchmark's smoke size (a 10-step run, two launches of each kind) against the real
 * {@code ./agent} and {@code cli/target/agent.jar}: every launch really ran, and every resumed
 * process really sent its model request (ResumeLaunch fails otherwise).
 */
class StartupBenchTest {

    @TempDir
    Path work;

    @Test
    void smokeMeasuresRealLaunchesAndResumes() throws Exception {
        StartupFigures f = StartupBench.measure(CheckoutFiles.locate(), work, 10, 2);

        assertThat(f.run().steps()).isEqualTo(10);
        assertThat(f.run().journalBytes()).isPositive();
        assertThat(f.requestBytes()).as("the resumed request carries the 10 steps' conversation").isGreaterThan(1000);
        for (StartupFigures.Row row : List.of(f.hello(), f.javaVersion(), f.version().get(0), f.version().get(1))) {
            assertThat(row.summary().count()).as(row.label()).isEqualTo(2);
            assertThat(row.summary().min()).as(row.label()).isPositive();
        }
        for (StartupFigures.Row row : f.resume()) {
            assertThat(row.summary().min()).as(row.label()).isPositive();
            assertThat(row.exit().min()).as(row.label() + ": exit after the first request").isGreaterThan(row.summary().min());
        }
        assertThat(f.phases().phases()).extracting(StartupPhases.Phase::name).contains("journal read", "first request");
        assertThat(f.phases().phases()).allSatisfy(p -> assertThat(p.nanos()).as(p.name()).isNotNegative());
        assertThat(StartupReport.render(f)).contains("## Startup").contains("spawn to first model request");
    }
}
