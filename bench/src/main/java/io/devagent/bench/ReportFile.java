package io.devagent.bench;

import io.devagent.state.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts the report in its file: replaces what lies between the markers, appends a marked section
 * to a file that has none, or creates the file with a short introduction.
 */
final class ReportFile {

    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";

    /** For a report file that does not exist yet: where the sections go and how to make them. */
    private static final String INTRO = """
            # Benchmarks

            Figures from the benchmark harness in `bench/`. Rerun with `bench/run`; each benchmark rewrites its own section,
            between its markers, and the goals table from `BENCHMARKS.json`.

            <!-- bench-goals:begin -->
            <!-- bench-goals:end -->

            """;

    private ReportFile() {
    }

    /**
     * What every benchmark does with its report: prints it, writes its section of {@code file}, and,
     * unless it was a smoke (whose figures mean nothing), records its goals' figures.
     */
    static void publish(Path file, String report, String begin, String end, boolean smoke, java.util.List<Goal> goals) throws IOException {
        System.out.print(report);
        System.out.flush();
        write(file, report, begin, end);
        if (!smoke && !goals.isEmpty()) {
            GoalsReport.record(file, goals);
        }
        BenchMain.log("wrote " + file);
    }

    static void write(Path file, String section) throws IOException {
        write(file, section, BEGIN, END);
    }

    /** The same with other markers, so that each report has its own section in the file. */
    static void write(Path file, String section, String beginMarker, String endMarker) throws IOException {
        String block = beginMarker + "\n" + section.strip() + "\n" + endMarker;
        String text;
        if (Files.exists(file)) {
            String old = Files.readString(file, StandardCharsets.UTF_8);
            int begin = old.indexOf(beginMarker);
            int end = begin < 0 ? -1 : old.indexOf(endMarker, begin);
            if (begin >= 0 && end >= 0) {
                text = old.substring(0, begin) + block + old.substring(end + endMarker.length());
            } else {
                text = old + (old.isEmpty() || old.endsWith("\n") ? "" : "\n") + "\n" + block + "\n";
            }
        } else {
            text = INTRO + block + "\n";
        }
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), true);
    }
}
