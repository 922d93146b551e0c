package io.devagent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * dev-agent against its peer, LangGraph.js with its SQLite checkpointer ({@code bench/langgraph}),
 * on the same scripted run: the same {@code ScriptedModelServer} script (N read_file tool calls on
 * the same small file, then the answer), both not streamed, timed alternately in one process. Reports
 * the per-step overhead of each (per step less the loopback round trip of its own requests), their
 * ratio against the goal of 1/10, and the checkpoint bytes each stores per step. {@code bench/run --peer}
 * runs it; {@code --smoke} makes it a few seconds' check (N = 3, one run each).
 */
public final class PeerBench {

    static final String BEGIN = "<!-- bench-peer:begin -->";
    static final String END = "<!-- bench-peer:end -->";
    static final String NORMAL = "normal";
    static final String FULL = "full";

    /** A run length, its timed rounds, and whether LangGraph also runs with synchronous=FULL (fsync per commit). */
    record Plan(int toolSteps, int rounds, boolean fullSync) {
    }

    private static final List<Plan> PLANS = List.of(new Plan(10, 5, true), new Plan(100, 3, true), new Plan(1000, 1, false));
    private static final List<Plan> SMOKE = List.of(new Plan(3, 1, false));
    private static final List<Integer> SIZE_STEPS = List.of(10, 100, 1000);

    private PeerBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        BenchOptions options = BenchOptions.parse(Arrays.stream(args).filter(a -> !a.equals("--smoke")).toArray(String[]::new));
        Path work = options.tmp().isPresent()
                ? Files.createTempDirectory(Files.createDirectories(options.tmp().get()), "dev-agent-peer-bench-")
                : Files.createTempDirectory("dev-agent-peer-bench-");
        String report;
        List<Goal> goals = new ArrayList<>();
        try {
            report = measure(work, smoke, goals);
        } finally {
            TempTree.delete(work);
        }
        ReportFile.publish(options.out(), report, BEGIN, END, smoke, goals);
        System.exit(0); // the HTTP clients' selector threads would otherwise linger
    }

    /** Runs the comparison in {@code work} and returns the report's section. */
    static String measure(Path work, boolean smoke) throws Exception {
        return measure(work, smoke, new ArrayList<>());
    }

    /** The same, adding the goal's figures (dev-agent's overhead over LangGraph.js's, per run length) to {@code goals}. */
    static String measure(Path work, boolean smoke, List<Goal> goals) throws Exception {
        long begun = System.nanoTime();
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadAtStart = BenchMain.loadAverage();
        Path workspace = ScriptedRun.workspace(work);
        List<Plan> plans = smoke ? SMOKE : PLANS;
        try (LangGraphPeer peer = LangGraphPeer.start()) {
            RunOutcome devWarm = null;
            if (!smoke) {
                // Both sides warm up alike (JIT in the JVM, V8's in node) before anything is timed.
                BenchMain.log("warm-up: dev-agent 5 x 10 and 3 x 100 steps, LangGraph.js 5 x 10 and 1 x 100 steps");
                for (int i = 0; i < 5; i++) {
                    ScriptedRun.execute(work, workspace, 10, "warmup-10-" + i);
                    PeerRun.execute(peer, work, workspace, 10, "warmup-10-" + i, NORMAL);
                }
                for (int i = 0; i < 3; i++) {
                    devWarm = ScriptedRun.execute(work, workspace, 100, "warmup-100-" + i);
                }
                PeerRun.execute(peer, work, workspace, 100, "warmup-100", NORMAL);
                BenchMain.log("warm-up: 3000 loopback round trips (the JIT speeds HTTP up for thousands of them)");
                LoopbackRoundTrip.measure(devWarm.firstRequest(), 3000, 1);
            }
            List<PeerRow> rows = new ArrayList<>();
            RunOutcome devSizes = null;
            PeerOutcome peerSizes = null;
            for (Plan plan : plans) {
                int n = plan.toolSteps();
                List<RunOutcome> dev = new ArrayList<>();
                Map<String, List<PeerOutcome>> lang = new LinkedHashMap<>();
                lang.put(NORMAL, new ArrayList<>());
                if (plan.fullSync()) {
                    lang.put(FULL, new ArrayList<>());
                }
                for (int r = 0; r < plan.rounds(); r++) {
                    // Alternate which side goes first, so that drift in the machine's load hits both alike.
                    if (r % 2 == 1) {
                        peerRuns(peer, work, workspace, n, r, lang);
                    }
                    System.gc();
                    RunOutcome d = ScriptedRun.execute(work, workspace, n, "n" + n + "-" + r);
                    dev.add(d);
                    BenchMain.log(String.format(Locale.ROOT, "N = %d #%d: dev-agent %s ms/step", n, r + 1, Fmt.ms(d.perStepMs())));
                    if (r % 2 == 0) {
                        peerRuns(peer, work, workspace, n, r, lang);
                    }
                }
                RunOutcome devMedian = median(dev, RunOutcome::elapsedNanos);
                rows.add(row(n, "dev-agent", dev.size(), dev.stream().mapToLong(RunOutcome::elapsedNanos).toArray(),
                        devMedian.steps(), devMedian.firstRequest(), devMedian.midRequest(), smoke));
                for (var e : lang.entrySet()) {
                    PeerOutcome m = median(e.getValue(), PeerOutcome::elapsedNanos);
                    rows.add(row(n, "LangGraph.js, synchronous=" + e.getKey().toUpperCase(Locale.ROOT), e.getValue().size(),
                            e.getValue().stream().mapToLong(PeerOutcome::elapsedNanos).toArray(), m.steps(), m.firstRequest(),
                            m.midRequest(), smoke));
                    if (e.getKey().equals(NORMAL)) {
                        peerSizes = m;
                    }
                }
                devSizes = devMedian;
            }
            for (PeerRow d : rows) {
                if (!d.side().equals("dev-agent")) {
                    continue;
                }
                rows.stream().filter(l -> l.toolSteps() == d.toolSteps() && l.side().endsWith("=" + NORMAL.toUpperCase(Locale.ROOT)))
                        .findFirst().ifPresent(l -> goals.add(new Goal("peer-" + d.toolSteps(),
                                "per-step overhead / LangGraph.js's (SQLite checkpointer), " + d.toolSteps() + "-step run",
                                d.overheadMs() / l.overheadMs(), "×", true, 0.1, "bench/run --peer", when)));
            }
            CheckpointSizes dev = CheckpointSizes.read(devSizes.journal(), devSizes.audit());
            PeerOutcome sizes = peerSizes;
            List<Integer> at = smoke ? List.of(1, sizes.toolSteps()) : SIZE_STEPS;
            String machine = BenchMain.machine(work) + BenchMain.loadNote(loadAtStart, BenchMain.loadAverage());
            return PeerReport.render(when + " on " + machine, (System.nanoTime() - begun) / 1e9, smoke, rows, dev, devSizes, sizes, at);
        }
    }

    private static void peerRuns(LangGraphPeer peer, Path work, Path workspace, int n, int round, Map<String, List<PeerOutcome>> lang)
            throws Exception {
        for (var e : lang.entrySet()) {
            System.gc(); // the JVM's server answers the peer: no collection left over from the previous run
            PeerOutcome p = PeerRun.execute(peer, work, workspace, n, "n" + n + "-" + round + "-" + e.getKey(), e.getKey());
            e.getValue().add(p);
            BenchMain.log(String.format(Locale.ROOT, "N = %d #%d: LangGraph.js (synchronous=%s) %s ms/step, SQLite %s bytes",
                    n, round + 1, e.getKey(), Fmt.ms(p.perStepMs()), Fmt.bytes(p.dbBytes() + p.walBytes())));
        }
    }

    private static <T> T median(List<T> runs, ToLongFunction<T> nanos) {
        return runs.stream().sorted(Comparator.comparingLong(nanos)).toList().get((runs.size() - 1) / 2);
    }

    private static PeerRow row(int n, String side, int runs, long[] nanos, int steps, byte[] first, byte[] mid, boolean smoke)
            throws Exception {
        Summary firstRtt = Summary.of(LoopbackRoundTrip.measure(first, smoke ? 20 : 100, smoke ? 50 : 300));
        Summary midRtt = Summary.of(LoopbackRoundTrip.measure(mid, smoke ? 20 : 100, smoke ? 50 : 300));
        return new PeerRow(n, side, runs, Summary.of(nanos).medianMs(), steps, first.length, firstRtt.medianMs(), mid.length,
                midRtt.medianMs());
    }
}
