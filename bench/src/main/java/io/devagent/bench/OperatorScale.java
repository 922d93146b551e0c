package io.devagent.bench;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long the operator takes to bring N AgentRuns (1,000 by default) to a created pod and PVC, and
 * its heap while doing so. fabric8's mock API server runs in this JVM with the CRDs of {@code crds/}
 * ({@link ScaleMockServer}); the operator runs as its own process ({@link OperatorProcess}), so that
 * its heap and CPU are its own. A run counts as done when this process's informers have seen both its
 * pod ({@code <name>-0}) and its PVC ({@code <name>-state}) ({@link RunsSeen}). The table also gives
 * the API requests per run by verb and resource, as the mock served them ({@link CountingDispatcher}).
 * <p>
 * {@code bench/operator-scale [--runs N] [--threads T] [--operator-heap SIZE] [--operator-jvm OPTIONS] [--smoke] [--stock-mock] [--ceiling]}
 * builds what it needs and runs this. {@code --operator-heap 96m} starts the operator with that
 * {@code -Xmx}; {@code --operator-jvm OPTIONS} replaces the chart's {@code -XX:TieredStopAtLevel=1} ({@code ""}: the
 * JVM's defaults); {@code --smoke} is 20 runs (exit status 1 unless all are done); {@code --stock-mock}
 * uses fabric8's store as it is, whose lookups scan every object ({@link IndexedCrudDispatcher});
 * {@code --ceiling} then measures the mock alone making the same objects ({@link MockCeiling}).
 * For a profile, {@code JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=filename=/tmp/rec-%p.jfr}
 * records both JVMs.
 */
public final class OperatorScale {

    static final String BEGIN = "<!-- bench-operator:begin -->";
    static final String END = "<!-- bench-operator:end -->";
    private static final String NS = "scale";
    private static final String USAGE = "use --runs N --threads T --operator-heap SIZE --operator-jvm OPTIONS --smoke --stock-mock --ceiling --out FILE";

    private OperatorScale() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 1000;
        int threads = 16;
        String operatorHeap = null;
        // As the Helm chart runs it (C1 only, see its operator-deployment.yaml); --operator-jvm "" for the JVM's defaults.
        List<String> operatorJvm = List.of("-XX:TieredStopAtLevel=1");
        boolean stock = false;
        boolean ceiling = false;
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve("BENCHMARKS.md");
        boolean smoke = false;
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        java.io.PrintStream report = new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8);
        double seconds = Double.NaN;
        long heapPeak = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--operator-heap" -> operatorHeap = args[++i];
                case "--operator-jvm" -> operatorJvm = args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+"));
                case "--smoke" -> {
                    runs = 20;
                    smoke = true;
                }
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--stock-mock" -> stock = true;
                case "--ceiling" -> ceiling = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        Path jar = root.resolve("operator/target/dev-agent-operator.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it with: mvn -pl operator -am package -DskipTests");
        }
        // The mock logs every request through java.util.logging; the table is what counts here.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        for (var handler : java.util.logging.Logger.getLogger("").getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        boolean complete;
        List<String> children;
        try (ScaleMockServer server = new ScaleMockServer(root.resolve("crds"), NS, stock);
             OperatorProcess operator = OperatorProcess.start(jar, server.url(), operatorHeap, operatorJvm);
             RunsSeen seen = new RunsSeen(server.client(), NS, runs)) {
            long idleHeap = operator.heapUsed();
            AtomicLong sampledPeak = new AtomicLong(idleHeap);
            // The GC log gives the peak; a sample a second covers the time since the last collection.
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        sampledPeak.accumulateAndGet(operator.heapUsed(), Math::max);
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception ignored) {
                        // a missed sample
                    }
                }
            });

            Map<String, Long> createdAt = new ConcurrentHashMap<>();
            ExecutorService creators = Executors.newFixedThreadPool(threads);
            server.dispatcher().clearCounts();
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                int index = i;
                creators.submit(() -> {
                    AgentRun run = run(index);
                    createdAt.put(run.getMetadata().getName(), System.nanoTime());
                    try {
                        server.client().resource(run).create();
                    } catch (RuntimeException e) {
                        System.err.println("creating " + run.getMetadata().getName() + " failed: " + e);
                    }
                });
            }
            creators.shutdown();
            creators.awaitTermination(10, TimeUnit.MINUTES);
            long allCreated = System.nanoTime();
            complete = seen.await(Duration.ofMinutes(15));
            long end = System.nanoTime();
            Map<String, Long> requests = server.dispatcher().counts();
            double mockBusy = server.dispatcher().busyNanos() / 1e9;
            sampler.interrupt();
            sampler.join();
            Duration operatorCpu = operator.cpu().orElse(null);
            Duration benchCpu = ProcessHandle.current().info().totalCpuDuration().orElse(null);
            String metrics = operator.metrics();
            double reconciliations = OperatorProcess.sum(metrics, "operator_sdk_reconciliations_started_total", "kind=\"AgentRun\"");
            long peakHeap = Math.max(sampledPeak.get(), operator.peakHeapFromGcLog());
            seconds = (end - start) / 1e9;
            heapPeak = peakHeap;
            long liveAfterGc = operator.liveHeapAfterGc();
            children = MockCeiling.childrenOf(server.client(), NS, run(0).getMetadata().getName());

            List<Double> latencies = new ArrayList<>();
            createdAt.forEach((name, created) -> {
                Long doneAt = seen.doneAt(name);
                if (doneAt != null) {
                    latencies.add((doneAt - created) / 1e6);
                }
            });
            latencies.sort(Double::compare);
            report.printf(Locale.ROOT, "## Operator scale: %d AgentRuns to a created pod and PVC%n%n", runs);
            report.printf(Locale.ROOT, "Measured %s on %s %s, %d CPUs (load average %.1f at the start), %s %s; the mock API server%n"
                            + "(%s), the operator and this load generator share those CPUs. %d creating threads; server-side apply off%n"
                            + "(the mock lacks it).%n%n",
                    Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z"), System.getProperty("os.name"), System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), load, System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                    stock ? "fabric8's store as it is, scanning every object per lookup" : "lookups by name indexed", threads);
            report.println("| figure | value |");
            report.println("|---|---:|");
            report.printf(Locale.ROOT, "| runs with pod and PVC | %d of %d%s |%n", latencies.size(), runs, complete ? "" : " (timed out)");
            report.printf(Locale.ROOT, "| all %d AgentRuns created (client side) | %.1f s |%n", runs, (allCreated - start) / 1e9);
            report.printf(Locale.ROOT, "| **first create to the last run's pod and PVC** | **%.1f s** |%n", (end - start) / 1e9);
            report.printf(Locale.ROOT, "| throughput | %.0f runs/s |%n", runs / ((end - start) / 1e9));
            report.printf(Locale.ROOT, "| per run, create to pod and PVC: median / p95 / max | %.0f / %.0f / %.0f ms |%n",
                    pct(latencies, 0.5), pct(latencies, 0.95), pct(latencies, 1.0));
            report.printf(Locale.ROOT, "| operator heap used, idle before the runs | %s |%n", mib(idleHeap));
            report.printf(Locale.ROOT, "| **operator heap used, peak (its GC log's largest heap before a collection)** | **%s** |%n", mib(peakHeap));
            report.printf(Locale.ROOT, "| operator heap after a full GC at the end (live set: %,d runs and their children in its caches) | %s |%n",
                    runs, liveAfterGc < 0 ? "n/a (no jcmd)" : mib(liveAfterGc));
            report.printf(Locale.ROOT, "| operator max heap (%s; JVM options: %s) | %s |%n",
                    operatorHeap == null ? "JVM default, 1/4 of RAM" : "-Xmx" + operatorHeap,
                    operatorJvm.isEmpty() ? "the JVM's defaults" : String.join(" ", operatorJvm), mib(operator.heapMax()));
            report.printf(Locale.ROOT, "| CPU time: the operator's process / this process (mock API server and load) | %s / %s |%n",
                    seconds(operatorCpu), seconds(benchCpu));
            report.printf(Locale.ROOT, "| AgentRun reconciliations per run | %.2f |%n", reconciliations / runs);
            report.printf(Locale.ROOT, "| mock API server: requests served, time in its dispatcher (summed over its threads) | %,d, %.1f s |%n",
                    requests.values().stream().mapToLong(Long::longValue).sum(), mockBusy);
            report.println();
            report.println("API requests per run, from the first create to the end (the benchmark's own create included):");
            report.println();
            report.println("| request | count | per run |");
            report.println("|---|---:|---:|");
            for (var entry : requests.entrySet()) {
                report.printf(Locale.ROOT, "| %s | %,d | %.2f |%n", entry.getKey(), entry.getValue(), entry.getValue() / (double) runs);
            }
            report.println();
            report.println("The operator's log is in " + operator.log() + ".");
        }
        if (ceiling) {
            MockCeiling.Result result = MockCeiling.measure(root.resolve("crds"), NS, stock, OperatorScale::run,
                    run(0).getMetadata().getName(), children, runs, threads);
            report.println();
            report.printf(Locale.ROOT, "The mock alone (no operator), each run's AgentRun and its %d children created by plain calls"
                    + " from %d threads: %s.%n", children.size(), threads, MockCeiling.describe(result));
            complete &= result.complete();
        }
        report.println();
        report.println("Rerun with `bench/run --operator` (`--smoke`: 20 runs); more options with `bench/operator-scale`. "
                + "The text after this section says where the time goes and what was changed for it.");
        String when = Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z");
        List<Goal> goals = !complete || stock || runs != 1000 ? List.of() : List.of(
                new Goal("operator-time", "operator: 1,000 AgentRuns, first create to the last pod and PVC", seconds, " s", true, 30,
                        "bench/run --operator", when),
                new Goal("operator-heap", "operator: heap peak over those 1,000 runs", heapPeak / (1024.0 * 1024.0), " MiB", true, 256,
                        "bench/run --operator", when));
        ReportFile.publish(out, buffer.toString(java.nio.charset.StandardCharsets.UTF_8), BEGIN, END, smoke, goals);
        if (!complete) {
            System.exit(1);
        }
        System.exit(0);
    }

    static AgentRun run(int index) {
        String name = String.format(Locale.ROOT, "run-%04d", index);
        return new AgentRun(NS, name, new AgentRunSpec("Summarize repo " + name, null,
                new AgentRunSpec.Model("http://10.1.2.3:1234/v1", "qwen", null), null, null, null, null, null));
    }

    private static double pct(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String seconds(Duration d) {
        return d == null ? "n/a" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1e3);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
    }
}
