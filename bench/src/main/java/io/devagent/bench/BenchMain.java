package io.devagent.bench;

import io.devagent.config.Environment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The benchmark harness. In one process it measures two baselines (the fsync floor, the loopback
 * model round trip), the per-step time of real runs of 10, 100 and 1000 steps, the checkpoint bytes
 * per step, and the pieces of a step on their own; it prints a Markdown report and writes it into
 * {@code BENCHMARKS.md} (or {@code --out}). The figures that matter are the ratios to the baselines.
 */
public final class BenchMain {

    /** Run lengths (tool steps) and how many timed runs of each. */
    private static final Map<Integer, Integer> RUNS = new LinkedHashMap<>();

    static {
        RUNS.put(10, 15);
        RUNS.put(100, 5);
        RUNS.put(1000, 2);
    }

    private static final List<Integer> SIZE_STEPS = List.of(10, 100, 1000);

    /** Run lengths watched by a {@link PhaseListener} (separate runs, so that the timed ones have no listener). */
    private static final List<Integer> PHASE_RUNS = List.of(100, 1000);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println(BenchOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        Path work = options.tmp().isPresent()
                ? Files.createTempDirectory(Files.createDirectories(options.tmp().get()), "dev-agent-bench-")
                : Files.createTempDirectory("dev-agent-bench-");
        String report;
        try {
            report = MarkdownReport.render(measure(work));
        } finally {
            TempTree.delete(work);
        }
        System.out.print(report);
        System.out.flush();
        ReportFile.write(options.out(), report);
        log("wrote " + options.out());
        System.exit(0); // the HTTP clients' selector threads would otherwise linger
    }

    private static Figures measure(Path work) throws Exception {
        long begun = System.nanoTime();
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadAtStart = loadAverage();
        Path workspace = ScriptedRun.workspace(work);

        log("warm-up runs (5 x 10 steps, 3 x 100 steps)");
        for (int i = 0; i < 5; i++) {
            ScriptedRun.execute(work, workspace, 10, "warmup-10-" + i);
        }
        RunOutcome warm = null;
        for (int i = 0; i < 3; i++) {
            warm = ScriptedRun.execute(work, workspace, 100, "warmup-100-" + i);
        }
        CheckpointSizes warmSizes = CheckpointSizes.read(warm.journal(), warm.audit());
        Baselines baselines = new Baselines(work, warmSizes.averageStepLine(), warm.firstRequest());
        log("baselines: fsync floor (" + baselines.lineBytes() + "-byte lines) and loopback round trip ("
                + baselines.requestBytes() + "-byte request), 300 and 3000 untimed, then 400 timed each");
        baselines.sample(300, 3000, 400);
        logBaselines(baselines);

        record Group(RunOutcome median, int runs, double runMs, double midRttMs) {
        }
        List<Group> groups = new ArrayList<>();
        for (var entry : RUNS.entrySet()) {
            int n = entry.getKey();
            log("baselines again, 50 untimed + 300 timed each");
            baselines.sample(50, 50, 300);
            logBaselines(baselines);
            List<RunOutcome> runs = new ArrayList<>();
            for (int i = 0; i < entry.getValue(); i++) {
                System.gc();
                RunOutcome run = ScriptedRun.execute(work, workspace, n, "n" + n + "-" + i);
                runs.add(run);
                log(String.format(Locale.ROOT, "run of %d steps #%d: %s ms, %s ms/step", n, i + 1,
                        Fmt.ms(run.elapsedNanos() / 1e6), Fmt.ms(run.perStepMs())));
            }
            RunOutcome median = runs.stream().sorted(Comparator.comparingLong(RunOutcome::elapsedNanos)).toList().get((runs.size() - 1) / 2);
            double runMs = Summary.of(runs.stream().mapToLong(RunOutcome::elapsedNanos).toArray()).medianMs();
            System.gc();
            Summary mid = Summary.of(LoopbackRoundTrip.measure(median.midRequest(), 100, n >= 1000 ? 200 : 300));
            groups.add(new Group(median, runs.size(), runMs, mid.medianMs()));
        }
        Summary fsync = baselines.fsync();
        Summary rtt = baselines.rtt();
        List<StepRow> rows = new ArrayList<>();
        for (Group g : groups) {
            rows.add(StepRow.of(g.median().toolSteps(), g.median().steps(), g.runs(), g.runMs(), rtt.medianMs(),
                    fsync.medianMs(), g.median().midRequest().length, g.midRttMs()));
        }
        RunOutcome longest = groups.get(groups.size() - 1).median();
        CheckpointSizes sizes = CheckpointSizes.read(longest.journal(), longest.audit());

        List<PhaseListener.Phases> phases = new ArrayList<>();
        for (int n : PHASE_RUNS) {
            System.gc();
            log("run of " + n + " steps watched by a listener, for the phases");
            phases.add(ScriptedRun.execute(work, workspace, n, "phases-" + n, true).phases().orElseThrow());
        }

        log("the pieces of a step, each on its own");
        System.gc();
        CheckpointComponents parts = new CheckpointComponents(work, 50, 300);
        List<Component> checkpointParts = parts.checkpoint(CheckpointComponents.StepSample.of(longest, longest.steps() / 2),
                new Environment(Map.of()));
        List<Component> clientParts = List.of(
                parts.modelClient("ModelClient.chat, first request", warm.firstRequest()),
                new Component("loopback round trip of that request", "raw HttpClient, measured alongside (the baseline's request)",
                        Summary.of(LoopbackRoundTrip.measure(warm.firstRequest(), 100, 300))),
                parts.modelClient("ModelClient.chat, half-way through the " + longest.toolSteps() + "-step run", longest.midRequest()),
                new Component("loopback round trip of that request", "raw HttpClient, measured alongside",
                        Summary.of(LoopbackRoundTrip.measure(longest.midRequest(), 100, 300))));

        return new Figures(when, machine(work) + loadNote(loadAtStart, loadAverage()), baselines.lineBytes(), warmSizes.meanToolStepBytes(), fsync, baselines.requestBytes(),
                rtt, baselines.blocks(), rows, sizes, SIZE_STEPS, phases, checkpointParts, clientParts, (System.nanoTime() - begun) / 1e9);
    }

    private static void logBaselines(Baselines b) {
        log("  so far: fsync floor median " + Fmt.ms(b.fsync().medianMs()) + " ms (p95 " + Fmt.ms(b.fsync().p95Ms())
                + "), round trip median " + Fmt.ms(b.rtt().medianMs()) + " ms (p95 " + Fmt.ms(b.rtt().p95Ms()) + ")");
    }

    /** The 1-minute load average, where the system tells it (Linux), else empty. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String loadNote(String atStart, String atEnd) {
        return atStart.isEmpty() || atEnd.isEmpty() ? ""
                : ", 1-minute load average " + atStart + " at the start and " + atEnd + " at the end";
    }

    static String machine(Path work) {
        String cpu = "";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip() + ", ").orElse("");
        } catch (IOException | RuntimeException ignored) {
            // not Linux: the core count below still says something
        }
        String store;
        try {
            store = Files.getFileStore(work).type();
        } catch (IOException e) {
            store = "?";
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
                + ", " + cpu + Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + ", temp files on " + store;
    }

    static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
