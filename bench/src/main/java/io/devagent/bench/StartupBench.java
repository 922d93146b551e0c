package io.devagent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cold start of the {@code agent} CLI: {@code agent --version} as users run it ({@code ./agent},
 * the launcher script with its JDK lookup and class-data archive, and {@code java -jar}), and the
 * resume of an interrupted 1,000-step run, from process spawn to the first model request, against
 * two baselines from the same run and JDK: a one-class main and {@code java -version}. Launches of
 * every kind take turns, round after round, so that drift in the machine's load hits all alike.
 * {@code bench/run --startup} runs it and writes its own section of {@code BENCHMARKS.md};
 * {@code --smoke} makes it a few seconds' check (a 10-step run, two launches each).
 */
public final class StartupBench {

    static final String BEGIN = "<!-- bench-startup:begin -->";
    static final String END = "<!-- bench-startup:end -->";
    static final int STEPS = 1000;
    static final int LAUNCHES = 10;

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        BenchOptions options = BenchOptions.parse(Arrays.stream(args).filter(a -> !a.equals("--smoke")).toArray(String[]::new));
        Path work = Files.createTempDirectory(options.tmp().orElse(Path.of(System.getProperty("java.io.tmpdir"))), "dev-agent-startup-bench-");
        StartupFigures figures;
        try {
            figures = measure(CheckoutFiles.locate(), work, smoke ? 10 : STEPS, smoke ? 2 : LAUNCHES);
        } finally {
            TempTree.delete(work);
        }
        String report = StartupReport.render(figures);
        ReportFile.publish(options.out(), report, BEGIN, END, smoke, goals(figures));
        System.exit(0);
    }

    static StartupFigures measure(CheckoutFiles files, Path work, int steps, int launches) throws Exception {
        long begun = System.nanoTime();
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadAtStart = BenchMain.loadAverage();
        String java = files.java().toString();
        Path scratch = Files.createDirectories(work.resolve("scratch"));
        // The launcher finds this JDK first, and keeps its class-data archive in the benchmark's directory, not the user's.
        Map<String, String> launcherEnv = Map.of("JAVA_HOME", System.getProperty("java.home"),
                "XDG_CACHE_HOME", Files.createDirectories(work.resolve("cache")).toString());
        String version = "dev-agent ";

        List<Launch> baselines = List.of(
                new Launch("hello", List.of(java, "-cp", helloClassPath(work).toString(), StartupHello.class.getName()), Map.of(), "hello"),
                new Launch("java -version", List.of(java, "-version"), Map.of(), "version"));
        List<Launch> versions = List.of(
                new Launch("`./agent --version`", List.of(files.launcher().toString(), "--version"), launcherEnv, version),
                new Launch("`java -jar agent.jar --version`", List.of(java, "-jar", files.jar().toString(), "--version"), Map.of(), version));
        List<String> launcher = List.of(files.launcher().toString());
        List<String> plainJar = List.of(java, "-jar", files.jar().toString());

        BenchMain.log("an interrupted " + steps + "-step run...");
        InterruptedRun run = InterruptedRun.create(Files.createDirectories(work.resolve("interrupted")), steps);
        BenchMain.log("run " + run.runId() + ": journal " + Fmt.bytes(run.journalBytes()) + " bytes, audit " + Fmt.bytes(run.auditBytes()) + " bytes");

        // One untimed launch of each kind: files in the page cache. The launcher's first resume makes its
        // class-data archive as the JVM exits: its time to exit is reported on its own.
        for (Launch launch : concat(baselines, versions)) {
            launch.time(scratch);
        }
        ResumeLaunch.run(run, scratch, plainJar, Map.of(), false);
        long firstLauncherRun = ResumeLaunch.run(run, scratch, launcher, launcherEnv, false).exitNanos();

        long[][] launchNanos = new long[baselines.size() + versions.size()][launches];
        long[][] resumeFirst = new long[2][launches];
        long[][] resumeExit = new long[2][launches];
        int requestBytes = 0;
        for (int round = 0; round < launches; round++) {
            BenchMain.log("round " + (round + 1) + " of " + launches);
            List<Launch> all = concat(baselines, versions);
            for (int k = 0; k < all.size(); k++) {
                launchNanos[k][round] = all.get(k).time(scratch);
            }
            ResumeLaunch.Timing viaLauncher = ResumeLaunch.run(run, scratch, launcher, launcherEnv, false);
            ResumeLaunch.Timing viaJar = ResumeLaunch.run(run, scratch, plainJar, Map.of(), false);
            resumeFirst[0][round] = viaLauncher.firstRequestNanos();
            resumeExit[0][round] = viaLauncher.exitNanos();
            resumeFirst[1][round] = viaJar.firstRequestNanos();
            resumeExit[1][round] = viaJar.exitNanos();
            requestBytes = viaJar.requestBytes();
        }
        // Where the time goes, from separate launches that log their class loads (the logging costs a little).
        StartupPhases phases = ResumeLaunch.run(run, scratch, plainJar, Map.of(), true).phases().orElseThrow();
        StartupPhases phasesWithArchive = ResumeLaunch.run(run, scratch, launcher, launcherEnv, true).phases().orElseThrow();

        StartupFigures.Row hello = row(baselines.get(0), "a one-class main that prints a line, its own class path", launchNanos[0]);
        StartupFigures.Row javaVersion = row(baselines.get(1), "the JVM alone", launchNanos[1]);
        List<StartupFigures.Row> versionRows = List.of(
                row(versions.get(0), "the launcher script: JDK lookup, class-data archive, `java -jar`", launchNanos[2]),
                row(versions.get(1), "the shaded jar, no archive", launchNanos[3]));
        List<StartupFigures.Row> resumeRows = List.of(
                new StartupFigures.Row("`./agent checkpoints resume ID`", "the launcher script, as users run it",
                        Summary.of(resumeFirst[0]), Summary.of(resumeExit[0])),
                new StartupFigures.Row("`java -jar agent.jar checkpoints resume ID`", "the shaded jar, no archive",
                        Summary.of(resumeFirst[1]), Summary.of(resumeExit[1])));
        String machine = BenchMain.machine(work) + loadNote(loadAtStart, BenchMain.loadAverage());
        return new StartupFigures(when, machine, launches, run, requestBytes, hello, javaVersion, versionRows, resumeRows,
                firstLauncherRun, phases, phasesWithArchive, (System.nanoTime() - begun) / 1e9);
    }

    /** The goals' figures: as users launch, through the {@code ./agent} launcher (the first row of each kind). */
    static List<Goal> goals(StartupFigures f) {
        return List.of(
                new Goal("resume", "resume of a " + f.run().steps() + "-step run, process start to first model request (`./agent`)",
                        f.resume().get(0).summary().medianMs() / 1000, " s", true, 0.5, "bench/run --startup", f.when()),
                new Goal("version", "`./agent --version` cold start", f.version().get(0).summary().medianMs() / 1000, " s", true, 0.4,
                        "bench/run --startup", f.when()));
    }

    private static StartupFigures.Row row(Launch launch, String what, long[] nanos) {
        return new StartupFigures.Row(launch.label(), what, Summary.of(nanos), null);
    }

    private static String loadNote(String atStart, String atEnd) {
        return atStart.isEmpty() || atEnd.isEmpty() ? "" : ", 1-minute load average " + atStart + " at the start and " + atEnd + " at the end";
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** A directory holding only {@link StartupHello}'s class file. */
    private static Path helloClassPath(Path work) throws IOException {
        String name = StartupHello.class.getName().replace('.', '/') + ".class";
        Path dir = work.resolve("hello");
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        try (InputStream in = Optional.ofNullable(StartupHello.class.getClassLoader().getResourceAsStream(name))
                .orElseThrow(() -> new IllegalStateException(name + " is not on the class path"))) {
            Files.copy(in, file);
        }
        return dir;
    }
}
