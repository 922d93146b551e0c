package io.devagent.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The startup benchmark's section of {@code BENCHMARKS.md}. */
final class StartupReport {

    private StartupReport() {
    }

    static String render(StartupFigures f) {
        StringBuilder md = new StringBuilder();
        double hello = f.hello().summary().median();
        md.append("## Startup: `agent --version`, and resuming a ").append(Fmt.bytes(f.run().steps())).append("-step run\n\n");
        md.append("Measured ").append(f.when()).append(" on ").append(f.machine()).append("; the whole benchmark took ")
                .append(String.format(Locale.ROOT, "%.0f", f.seconds())).append(" s. Cold launches: each a new process, timed from ")
                .append("`ProcessBuilder.start()` to its exit (for a resume, to its first model request as well), ").append(f.launches())
                .append(" of each kind, taking turns round after round, after one untimed launch of each kind.\n\n");

        md.append("### Ratios against the same run's baselines\n\n");
        md.append("Baseline: the cold start of a one-class `main` with the same JDK (median ").append(Fmt.ms(hello / 1e6)).append(" ms).\n\n");
        md.append("| ratio | value |\n|---|---:|\n");
        for (StartupFigures.Row row : f.version()) {
            md.append("| ").append(row.label()).append(" / one-class main | **").append(Fmt.ratio(row.summary().median() / hello)).append("** |\n");
        }
        for (StartupFigures.Row row : f.resume()) {
            md.append("| ").append(row.label()).append(", spawn to first model request / one-class main | **")
                    .append(Fmt.ratio(row.summary().median() / hello)).append("** |\n");
        }
        md.append("| `java -version` / one-class main | ").append(Fmt.ratio(f.javaVersion().summary().median() / hello)).append(" |\n\n");

        md.append("### Cold launches\n\n");
        md.append("| launch | what | launches | median ms | p95 ms | min ms |\n|---|---|---:|---:|---:|---:|\n");
        for (StartupFigures.Row row : concat(List.of(f.hello(), f.javaVersion()), f.version())) {
            Summary s = row.summary();
            md.append("| ").append(row.label()).append(" | ").append(row.what()).append(" | ").append(s.count()).append(" | ")
                    .append(Fmt.ms(s.medianMs())).append(" | ").append(Fmt.ms(s.p95Ms())).append(" | ").append(Fmt.ms(s.min() / 1e6)).append(" |\n");
        }
        md.append("\n");

        md.append("### Resuming an interrupted run\n\n");
        md.append("A real run of ").append(Fmt.bytes(f.run().steps())).append(" `read_file` steps, paused after its last committed step (journal ")
                .append(Fmt.bytes(f.run().journalBytes())).append(" bytes, audit log ").append(Fmt.bytes(f.run().auditBytes()))
                .append(" bytes), copied afresh for each launch, then resumed by a new process against a `ScriptedModelServer` in the ")
                .append("benchmark's JVM. The first model request (").append(Fmt.bytes(f.requestBytes()))
                .append(" bytes: the whole conversation) counts once its body has arrived; the server answers it with the final answer, ")
                .append("and the process exits.\n\n");
        md.append("| launch | what | launches | to first request, median ms | p95 ms | to exit, median ms | p95 ms |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (StartupFigures.Row row : f.resume()) {
            md.append("| ").append(row.label()).append(" | ").append(row.what()).append(" | ").append(row.summary().count()).append(" | **")
                    .append(Fmt.ms(row.summary().medianMs())).append("** | ").append(Fmt.ms(row.summary().p95Ms())).append(" | ")
                    .append(Fmt.ms(row.exit().medianMs())).append(" | ").append(Fmt.ms(row.exit().p95Ms())).append(" |\n");
        }
        md.append("\nThe launcher's first resume, with no class-data archive yet (it is written as that JVM exits; the untimed launches ")
                .append("before it do not make one), took ").append(Fmt.ms(f.firstLauncherRunNanos() / 1e6)).append(" ms to exit.\n");

        md.append("\n### Where a resume's time goes\n\n");
        md.append("One more resume of each kind with `-Xlog:class+load,startuptime` (the logging adds a little). A phase ends at the first ")
                .append("load of a class that only the next part of the code uses; the log's clock is the one the benchmark times with, ")
                .append("so spawn and arrival line up with the child's marks.\n\n");
        Map<String, String> covers = new LinkedHashMap<>();
        Map<String, double[]> ms = new LinkedHashMap<>();
        add(f.phases(), 0, covers, ms);
        add(f.phasesWithArchive(), 1, covers, ms);
        md.append("| phase | covers | `java -jar` ms | `./agent` ms |\n|---|---|---:|---:|\n");
        for (Map.Entry<String, String> e : covers.entrySet()) {
            double[] v = ms.get(e.getKey());
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" | ").append(cell(v[0])).append(" | ")
                    .append(cell(v[1])).append(" |\n");
        }
        md.append("\nRerun with `bench/run --startup` (`--smoke`: a 10-step run and two launches of each kind; its report goes to a temporary file).\n");
        return md.toString();
    }

    private static void add(StartupPhases phases, int column, Map<String, String> covers, Map<String, double[]> ms) {
        for (StartupPhases.Phase p : phases.phases()) {
            covers.putIfAbsent(p.name(), p.covers());
            ms.computeIfAbsent(p.name(), k -> new double[] {Double.NaN, Double.NaN})[column] = p.nanos() / 1e6;
        }
    }

    private static String cell(double ms) {
        return Double.isNaN(ms) ? "" : Fmt.ms(ms);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        java.util.ArrayList<T> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
