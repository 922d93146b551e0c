package io.devagent.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import io.devagent.json.Json;
import io.devagent.state.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The goals table at the top of BENCHMARKS.md. Each benchmark records its goals' figures in
 * {@code BENCHMARKS.json} beside the report (replacing the ones it measured before, keeping the
 * others'), and the table is rendered again from all of them, so that running one benchmark
 * updates its rows and leaves the others' as they were measured, each with its command and time.
 */
final class GoalsReport {

    static final String BEGIN = "<!-- bench-goals:begin -->";
    static final String END = "<!-- bench-goals:end -->";

    /** Row order in the table: the order. */
    private static final List<String> ORDER = List.of("step-overhead-10", "step-overhead-100", "step-overhead-1000",
            "checkpoint-bytes", "checkpoint-time", "resume", "version", "concurrency", "operator-time", "operator-heap", "peer-10", "peer-100", "peer-1000");

    private GoalsReport() {
    }

    /** Records {@code goals} (replacing earlier figures with the same ids) and rewrites the table in {@code report}. */
    static void record(Path report, List<Goal> goals) throws IOException {
        Path data = report.resolveSibling(report.getFileName().toString().replaceFirst("\\.md$", "") + ".json");
        Map<String, Goal> all = new TreeMap<>();
        if (Files.exists(data)) {
            try {
                List<Goal> known = Json.MAPPER.readValue(data.toFile(), new TypeReference<List<Goal>>() { });
                known.forEach(g -> all.put(g.id(), g));
            } catch (IOException e) {
                // a damaged file is replaced: its figures are measured again by the benchmarks that made them
            }
        }
        goals.forEach(g -> all.put(g.id(), g));
        List<Goal> ordered = new ArrayList<>(all.values());
        ordered.sort((a, b) -> Integer.compare(rank(a.id()), rank(b.id())));
        AtomicFiles.write(data, (Json.pretty(ordered) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        ReportFile.write(report, render(ordered), BEGIN, END);
    }

    private static int rank(String id) {
        int i = ORDER.indexOf(id);
        return i < 0 ? ORDER.size() : i;
    }

    static String render(List<Goal> goals) {
        StringBuilder out = new StringBuilder();
        out.append("## Goals\n\n");
        out.append("Each figure against its goal from issue 9, as last measured by the command beside it (`bench/run` runs them all). "
                + "Ratio to goal = figure / goal: at most 1× meets an at-most goal, at least 1× an at-least goal. "
                + "The sections below give each figure's baseline and method. The figures are kept in `BENCHMARKS.json`.\n\n");
        out.append("| figure | measured | goal | ratio to goal | met | command | measured at |\n");
        out.append("|---|---:|---:|---:|:---:|---|---|\n");
        for (Goal g : goals) {
            out.append("| ").append(g.figure()).append(" | ").append(number(g.value())).append(g.unit())
                    .append(" | ").append(g.atMost() ? "≤ " : "≥ ").append(number(g.limit())).append(g.unit())
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f×", g.ratioToGoal()))
                    .append(" | ").append(g.met() ? "yes" : "**no**")
                    .append(" | `").append(g.command()).append("` | ").append(g.measuredAt()).append(" |\n");
        }
        return out.toString();
    }

    private static String number(double value) {
        double abs = Math.abs(value);
        return String.format(Locale.ROOT, abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f", value);
    }
}
