package io.devagent.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run benchmark's smoke plan, end to end, so that the harness cannot rot: real runs against a
 * scripted model, the model floor replayed, the baselines, the checkpoint sizes, the pieces, the
 * report written between its markers. Its figures are not judged: only that they were measured.
 */
class BenchSmokeTest {

    @TempDir
    Path dir;

    @Test
    void theSmokePlanMeasuresEveryFigureAndWritesTheReport() throws Exception {
        Figures figures = BenchMain.measure(Files.createDirectories(dir.resolve("work")), BenchMain.Plan.SMOKE);

        assertThat(figures.rows()).extracting(StepRow::toolSteps).containsExactly(3, 12);
        for (StepRow row : figures.rows()) {
            assertThat(row.steps()).isEqualTo(row.toolSteps() + 1);
            assertThat(row.perStepMs()).isPositive();
            assertThat(row.floorPerStepMs()).isPositive();
            assertThat(row.meanRequestBytes()).isGreaterThan(1000);
        }
        assertThat(figures.fsync().count()).isEqualTo(60);
        assertThat(figures.fsync().medianMs()).isPositive();
        assertThat(figures.sizes().journalBytes()).containsKeys(1, 10);
        assertThat(figures.sizes().journalBytes().get(10)).isGreaterThan(100);
        assertThat(figures.phases()).singleElement().satisfies(p -> assertThat(p.toolSteps()).isEqualTo(12));
        assertThat(figures.checkpointParts()).extracting(Component::name).contains("journal step commit", "a step's file work as the loop does it");

        Path out = dir.resolve("BENCHMARKS.md");
        Files.writeString(out, "# kept\n\n" + GoalsReport.BEGIN + "\n" + GoalsReport.END + "\n\n" + ReportFile.BEGIN + "\nold\n" + ReportFile.END + "\n\nkept too\n");
        ReportFile.write(out, MarkdownReport.render(figures));
        String text = Files.readString(out);
        assertThat(text).startsWith("# kept").endsWith("kept too\n").doesNotContain("\nold\n")
                .contains("| per-step overhead / fsync floor, N = 12 (goal ≤ 2×) | **");

        GoalsReport.record(out, BenchMain.goals(figures));
        String withGoals = Files.readString(out);
        assertThat(withGoals.indexOf("| per-step overhead / fsync floor, 12-step run | ")).isPositive()
                .isLessThan(withGoals.indexOf(ReportFile.BEGIN));
        assertThat(withGoals).contains("| checkpoint bytes at step 10 / at step 1 | ").endsWith("kept too\n");
        assertThat(dir.resolve("BENCHMARKS.json")).content().contains("\"id\" : \"checkpoint-time\"");
    }
}
