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

    /**
     * What to run: run lengths (tool steps) and how many timed runs of each, the steps whose
     * checkpoint sizes are reported, the run lengths watched by a {@link PhaseListener} (separate
     * runs, so that the timed ones have no listener), and the sizes of the baseline blocks.
     */
    record Plan(int warmupShort, int warmupLong, int warmupLongest, Map<Integer, Integer> runs, List<Integer> sizeSteps, List<Integer> phaseRuns,
                int firstWarmupFsync, int firstWarmupRtt, int firstOps, int blockWarmup, int blockOps, int pieceWarmup, int pieceOps) {

        static final Plan FULL = new Plan(5, 3, 2, ordered(10, 15, 100, 5, 1000, 2), List.of(10, 100, 1000), List.of(100, 1000),
                300, 3000, 400, 50, 300, 50, 300);
        /** Seconds, for CI: every code path of the full plan, with tiny counts; its figures mean nothing. */
        static final Plan SMOKE = new Plan(1, 1, 0, ordered(3, 1, 12, 1), List.of(1, 10), List.of(12), 5, 20, 20, 5, 20, 5, 20);

        private static Map<Integer, Integer> ordered(int... pairs) {
            Map<Integer, Integer> map = new LinkedHashMap<>();
            for (int i = 0; i < pairs.length; i += 2) {
                map.put(pairs[i], pairs[i + 1]);
            }
            return map;
        }
    }

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
        Figures figures;
        try {
            figures = measure(work, options.smoke() ? Plan.SMOKE : Plan.FULL);
            report = MarkdownReport.render(figures);
        } finally {
            TempTree.delete(work);
        }
        ReportFile.publish(options.out(), report, ReportFile.BEGIN, ReportFile.END, options.smoke(), goals(figures));
        System.exit(0); // the HTTP clients' selector threads would otherwise linger
    }

    static Figures measure(Path work, Plan plan) throws Exception {
        long begun = System.nanoTime();
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadAtStart = loadAverage();
        Path workspace = ScriptedRun.workspace(work);

        log("warm-up runs (" + plan.warmupShort() + " x 10 steps, " + plan.warmupLong() + " x 100 steps, " + plan.warmupLongest()
                + " x 1000 steps)");
        for (int i = 0; i < plan.warmupShort(); i++) {
            ScriptedRun.execute(work, workspace, 10, "warmup-10-" + i);
        }
        RunOutcome warm = null;
        for (int i = 0; i < plan.warmupLong(); i++) {
            warm = ScriptedRun.execute(work, workspace, 100, "warmup-100-" + i);
        }
        // Thousands of steps before anything is timed, so that the JIT has compiled the step's whole path: the
        // short runs would otherwise be timed on code the long ones have not yet warmed.
        for (int i = 0; i < plan.warmupLongest(); i++) {
            ScriptedRun.execute(work, workspace, 1000, "warmup-1000-" + i);
        }
        CheckpointSizes warmSizes = CheckpointSizes.read(warm.journal(), warm.audit());
        Baselines baselines = new Baselines(work, warmSizes.averageStepLine(), warm.firstRequest());
        log("baselines: fsync floor (" + baselines.lineBytes() + "-byte lines) and loopback round trip ("
                + baselines.requestBytes() + "-byte request)");
        baselines.sample(plan.firstWarmupFsync(), plan.firstWarmupRtt(), plan.firstOps());
        logBaselines(baselines);

        record Group(RunOutcome median, int runs, double runMs, double floorMs) {
        }
        List<Group> groups = new ArrayList<>();
        for (var entry : plan.runs().entrySet()) {
            int n = entry.getKey();
            log("baselines again");
            baselines.sample(plan.blockWarmup(), plan.blockWarmup(), plan.blockOps());
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
            runs.clear(); // the other runs' requests can go
            long[] floors = new long[3];
            for (int i = 0; i < floors.length; i++) {
                System.gc();
                floors[i] = LoopbackRoundTrip.replay(median.requests());
            }
            double floorMs = Summary.of(floors).medianMs();
            log(String.format(Locale.ROOT, "its %d requests replayed alone: %s ms (median of 3)", median.requests().size(), Fmt.ms(floorMs)));
            groups.add(new Group(median, entry.getValue(), runMs, floorMs));
        }
        Summary fsync = baselines.fsync();
        Summary rtt = baselines.rtt();
        List<StepRow> rows = new ArrayList<>();
        for (Group g : groups) {
            double meanRequest = g.median().requests().stream().mapToLong(r -> r.length).average().orElse(0);
            rows.add(StepRow.of(g.median().toolSteps(), g.median().steps(), g.runs(), g.runMs(), g.floorMs(), rtt.medianMs(),
                    fsync.medianMs(), meanRequest));
        }
        RunOutcome longest = groups.get(groups.size() - 1).median();
        groups.clear();
        CheckpointSizes sizes = CheckpointSizes.read(longest.journal(), longest.audit());

        List<PhaseListener.Phases> phases = new ArrayList<>();
        for (int n : plan.phaseRuns()) {
            System.gc();
            log("run of " + n + " steps watched by a listener, for the phases");
            phases.add(ScriptedRun.execute(work, workspace, n, "phases-" + n, true).phases().orElseThrow());
        }

        log("the pieces of a step, each on its own");
        System.gc();
        CheckpointComponents parts = new CheckpointComponents(work, plan.pieceWarmup(), plan.pieceOps());
        List<Component> checkpointParts = parts.checkpoint(CheckpointComponents.StepSample.of(longest, longest.steps() / 2),
                new Environment(Map.of()));
        List<Component> clientParts = List.of(
                parts.modelClient("ModelClient.chat, first request", warm.firstRequest()),
                new Component("loopback round trip of that request", "raw HttpClient, measured alongside (the baseline's request)",
                        Summary.of(LoopbackRoundTrip.measure(warm.firstRequest(), plan.pieceWarmup() * 2, plan.pieceOps()))),
                parts.modelClient("ModelClient.chat, half-way through the " + longest.toolSteps() + "-step run", longest.midRequest()),
                new Component("loopback round trip of that request", "raw HttpClient, measured alongside",
                        Summary.of(LoopbackRoundTrip.measure(longest.midRequest(), plan.pieceWarmup() * 2, plan.pieceOps()))));

        return new Figures(when, machine(work) + loadNote(loadAtStart, loadAverage()), baselines.lineBytes(), warmSizes.meanToolStepBytes(), fsync, baselines.requestBytes(),
                rtt, baselines.blocks(), rows, sizes, plan.sizeSteps(), phases, checkpointParts, clientParts, (System.nanoTime() - begun) / 1e9);
    }

    /** The figures that issue 9 sets goals for. */
    static List<Goal> goals(Figures f) {
        List<Goal> goals = new ArrayList<>();
        String when = f.when();
        for (StepRow row : f.rows()) {
            goals.add(new Goal("step-overhead-" + row.toolSteps(), "per-step overhead / fsync floor, " + row.toolSteps() + "-step run",
                    row.overheadPerFsync(), "×", true, 2, "bench/run --steps", when));
        }
        int first = f.sizeSteps().get(0);
        int last = f.sizeSteps().get(f.sizeSteps().size() - 1);
        goals.add(new Goal("checkpoint-bytes", "checkpoint bytes at step " + last + " / at step " + first,
                (double) f.sizes().journalBytes().get(last) / f.sizes().journalBytes().get(first), "×", true, 1.1, "bench/run --steps", when));
        PhaseListener.Phases longest = f.phases().get(f.phases().size() - 1);
        goals.add(new Goal("checkpoint-time", "checkpoint time (tool call + checkpoint) at step " + last + " / at step " + first,
                longest.toolAndCheckpointAroundMs(last) / longest.toolAndCheckpointAroundMs(first), "×", true, 1.1, "bench/run --steps", when));
        return goals;
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

    static String loadNote(String atStart, String atEnd) {
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
