package io.devagent.bench;

import io.devagent.config.Environment;
import io.devagent.daemon.MainRuntime;
import io.devagent.model.ModelSettings;
import io.devagent.policy.PolicyHolder;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.state.StateDir;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Many runs at once in one main runtime against a slow model: {@code runs} goals handed at once
 * over the runtime's real socket ({@link RuntimeBatch}), each {@code toolSteps} {@code read_file}
 * steps and a final answer, against a model server in its own JVM that answers each request after
 * {@code delayMillis} ({@link ModelServerProcess}). A run's steps are sequential, so the model bounds
 * the rate at {@code runs / delay} steps per second whatever the runtime does; the figure is the
 * share of that ideal reached, beside the share the server alone reaches with as many plain HTTP
 * clients ({@link ServerBaseline}), the ceiling on this machine. {@code bench/run --concurrency}
 * runs it and writes its section of {@code BENCHMARKS.md}; {@code --smoke} is a seconds-long check.
 */
public final class ConcurrencyBench {

    static final String BEGIN = "<!-- bench-concurrency:begin -->";
    static final String END = "<!-- bench-concurrency:end -->";

    /**
     * What to run: {@code batches} timed batches after {@code warmups} untimed ones (the JIT is still at work
     * through the first thousands of steps), for the server alone and for the runtime.
     */
    record Settings(int runs, int toolSteps, long delayMillis, int warmups, int batches) {
        static final Settings FULL = new Settings(200, 20, 50, 2, 3);
        static final Settings SMOKE = new Settings(10, 3, 50, 1, 1);

        /** Steps per second if each step took the model's delay and nothing else. */
        double idealStepsPerSecond() {
            return runs * 1000.0 / delayMillis;
        }
    }

    /** Everything measured; the batches in the order they ran. */
    record Result(Settings settings, String when, String machine, List<ServerBaseline.Batch> baseline,
                  List<RuntimeBatch.Batch> runtime, double seconds) {
        /** The batch with the median rate. */
        RuntimeBatch.Batch medianRuntime() {
            return median(runtime, RuntimeBatch.Batch::stepsPerSecond);
        }

        ServerBaseline.Batch medianBaseline() {
            return median(baseline, ServerBaseline.Batch::perSecond);
        }

        private static <T> T median(List<T> batches, java.util.function.ToDoubleFunction<T> rate) {
            List<T> sorted = new ArrayList<>(batches);
            sorted.sort(Comparator.comparingDouble(rate));
            return sorted.get(sorted.size() / 2);
        }
    }

    private ConcurrencyBench() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.FULL;
        Path out = Path.of(System.getProperty("bench.root", ".")).resolve("BENCHMARKS.md");
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> {
                    settings = Settings.SMOKE;
                    smoke = true;
                }
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: bench/run --concurrency [--smoke] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        Path work = Files.createTempDirectory("dev-agent-concurrency-");
        Result result;
        try {
            result = measure(settings, work);
        } finally {
            TempTree.delete(work);
        }
        ReportFile.publish(out.toAbsolutePath().normalize(), ConcurrencyReport.render(result), BEGIN, END, smoke, List.of(goal(result)));
        System.exit(0); // the HTTP clients' selector threads would otherwise linger
    }

    /** The goal's figure: the median batch's steps per second against the model-bound ideal, in percent. */
    static Goal goal(Result r) {
        return new Goal("concurrency", r.settings().runs() + " runs at once in one main runtime, " + r.settings().delayMillis()
                + " ms model: steps/s against the model-bound ideal", 100 * r.medianRuntime().stepsPerSecond()
                / r.settings().idealStepsPerSecond(), " %", false, 90, "bench/run --concurrency", r.when());
    }

    static Result measure(Settings settings, Path work) throws Exception {
        long begun = System.nanoTime();
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadAtStart = BenchMain.loadAverage();
        Path workspace = ScriptedRun.workspace(work);
        // A real request from half-way through a run of the same length, for the server-alone baseline; it warms the run path too.
        byte[] body = ScriptedRun.execute(work, workspace, settings.toolSteps(), "probe").midRequest();

        List<ServerBaseline.Batch> baseline = new ArrayList<>();
        List<RuntimeBatch.Batch> runtime = new ArrayList<>();
        try (ModelServerProcess server = ModelServerProcess.start(settings.delayMillis(), settings.toolSteps())) {
            int rounds = settings.toolSteps() + 1;
            BenchMain.log("server alone: " + settings.runs() + " clients x " + rounds + " round trips, "
                    + (settings.warmups() + settings.batches()) + " batches");
            for (int b = 1 - settings.warmups(); b <= settings.batches(); b++) {
                ServerBaseline.Batch batch = ServerBaseline.measure(server, body, settings.runs(), rounds);
                BenchMain.log(String.format(java.util.Locale.ROOT, "  %s: %.0f round trips/s (%.1f%% of %.0f)", b <= 0 ? "warm-up" : "batch " + b,
                        batch.perSecond(), 100 * batch.perSecond() / settings.idealStepsPerSecond(), settings.idealStepsPerSecond()));
                if (b > 0) {
                    baseline.add(batch);
                }
            }

            Environment env = ScriptedRun.env(server.baseUrl());
            StateDir state = StateDir.resolve(Optional.of(Files.createDirectories(work.resolve("state"))), env);
            AgentConfig config = new AgentConfig(state, workspace, ModelSettings.from(env), PolicyHolder.load(state.policyFile(), env), env);
            try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(work.resolve("runtime.log"), StandardCharsets.UTF_8))) {
                MainRuntime main = new MainRuntime(config, new Agent(config), log);
                main.start();
                Thread serving = Thread.ofPlatform().daemon().name("runtime-serve").start(() -> {
                    try {
                        main.serve();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                try {
                    BenchMain.log("runtime: " + settings.runs() + " runs x " + rounds + " steps at once, "
                            + (settings.warmups() + settings.batches()) + " batches");
                    for (int b = 1 - settings.warmups(); b <= settings.batches(); b++) {
                        RuntimeBatch.Batch batch = RuntimeBatch.run(state, workspace, server, settings.runs(), settings.toolSteps(), "batch " + b);
                        BenchMain.log(String.format(java.util.Locale.ROOT, "  %s: %.0f steps/s (%.1f%% of %.0f), runtime CPU %.3f ms per step",
                                b <= 0 ? "warm-up" : "batch " + b, batch.stepsPerSecond(), 100 * batch.stepsPerSecond() / settings.idealStepsPerSecond(),
                                settings.idealStepsPerSecond(), batch.runtimeCpuNanos() / 1e6 / batch.stepsCommitted()));
                        if (b > 0) {
                            runtime.add(batch);
                        }
                    }
                } finally {
                    main.stop("the benchmark is over");
                    serving.join(10_000);
                }
            }
        }
        String machine = BenchMain.machine(work) + loadNote(loadAtStart, BenchMain.loadAverage());
        return new Result(settings, when, machine, baseline, runtime, (System.nanoTime() - begun) / 1e9);
    }

    private static String loadNote(String atStart, String atEnd) {
        return atStart.isEmpty() || atEnd.isEmpty() ? "" : ", 1-minute load average " + atStart + " at the start and " + atEnd + " at the end";
    }
}
