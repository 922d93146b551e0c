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

    private static final String INTRO = """
            # Benchmarks

            Figures from the benchmark harness in `bench/` (`io.devagent.bench.BenchMain`). Absolute times depend on the
            machine, its disk and its load; what carries across machines and commits are the ratios against the baselines
            measured in the same run: the fsync floor (one journal-sized append and `force(false)`) and the loopback round
            trip to a model server that answers at once.

            Rerun with `bench/run` (it finds a JDK 21, builds the `bench` module when needed, and takes one to two minutes).
            `bench/run --out FILE` writes elsewhere. Only the section between the `bench:begin` and `bench:end` markers is
            regenerated; text outside it is kept.

            """;

    private ReportFile() {
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
