package io.devagent.bench;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The command line: {@code [--out FILE] [--tmp DIR]}. The report goes to {@code --out}, by
 * default {@code BENCHMARKS.md} in the repository root (the system property {@code bench.root},
 * which {@code bench/run} sets, else the current directory); runs live in a new temporary
 * directory under {@code --tmp} (default: {@code java.io.tmpdir}), removed at the end.
 */
record BenchOptions(Path out, Optional<Path> tmp, boolean smoke) {

    static final String USAGE = "usage: bench/run [--out FILE] [--tmp DIR] [--smoke]\n"
            + "  --out FILE  where to write the report (default: BENCHMARKS.md at the repository root);\n"
            + "              the section between <!-- bench:begin --> and <!-- bench:end --> is replaced, the rest kept\n"
            + "  --tmp DIR   where to make the temporary directory for the runs (default: the system's temp directory);\n"
            + "              the fsync floor is only comparable to the runs when both are on the same disk\n"
            + "  --smoke     every measurement once with tiny counts (seconds), to check that the harness works; the figures mean nothing";

    static BenchOptions parse(String[] args) {
        Path out = Path.of(System.getProperty("bench.root", ".")).resolve("BENCHMARKS.md");
        Optional<Path> tmp = Optional.empty();
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--tmp" -> tmp = Optional.of(Path.of(value(args, ++i, "--tmp")));
                case "--smoke" -> smoke = true;
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        return new BenchOptions(out.toAbsolutePath().normalize(), tmp, smoke);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].isBlank()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
