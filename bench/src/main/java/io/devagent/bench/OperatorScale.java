package io.devagent.bench;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.k8s.api.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How long the operator takes to bring N AgentRuns (1,000 by default) to a created pod and PVC, and
 * its heap while doing so. fabric8's mock API server runs in this JVM with the CRDs of {@code crds/};
 * the operator runs as its own process ({@code java -jar operator/target/dev-agent-operator.jar},
 * server-side apply off, as the mock needs), so that its heap is its own: sampled every 100 ms from
 * its {@code /metrics} ({@code jvm_memory_used_bytes}, area heap), and once more after a full GC
 * ({@code jcmd GC.run}) at the end for the live set. A run counts as done when this process's
 * informers have seen both its pod ({@code <name>-0}) and its PVC ({@code <name>-state}).
 * <p>
 * {@code bench/operator-scale [--runs N] [--threads T] [--operator-heap SIZE]} builds what it needs and runs this;
 * {@code --operator-heap 96m} starts the operator with that {@code -Xmx}, to see what it needs rather than what it takes.
 */
public final class OperatorScale {

    private static final String NS = "scale";
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)", Pattern.MULTILINE);

    private OperatorScale() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 1000;
        int threads = 16;
        String operatorHeap = null;
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--operator-heap" -> operatorHeap = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --runs N --threads T --operator-heap SIZE");
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
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        Process operator = null;
        Path log = Files.createTempFile("dev-agent-operator-scale", ".log");
        try (KubernetesClient client = server.createClient()) {
            try (Stream<Path> files = Files.list(root.resolve("crds"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
                    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                }
            }
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();

            int port = freePort();
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            if (operatorHeap != null) {
                command.add("-Xmx" + operatorHeap);
            }
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("KUBERNETES_MASTER", client.getConfiguration().getMasterUrl());
            builder.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
            builder.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
            builder.environment().put("OPERATOR_SERVER_SIDE_APPLY", "false");
            builder.environment().put("OPERATOR_LEADER_ELECTION", "false");
            builder.environment().put("OPERATOR_HTTP_PORT", Integer.toString(port));
            builder.environment().put("OPERATOR_APISERVER_CIDRS", "10.0.0.1/32:6443");
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            operator = builder.start();
            HttpClient http = HttpClient.newHttpClient();
            String metrics = "http://127.0.0.1:" + port + "/metrics";
            awaitReady(http, "http://127.0.0.1:" + port + "/readyz", operator, log);
            long idleHeap = heap(http, metrics);

            Map<String, Long> podSeen = new ConcurrentHashMap<>();
            Map<String, Long> pvcSeen = new ConcurrentHashMap<>();
            Map<String, Long> createdAt = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(runs);
            Map<String, Boolean> finished = new ConcurrentHashMap<>();
            List<SharedIndexInformer<?>> informers = new ArrayList<>();
            informers.add(client.pods().inNamespace(NS).withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                    .inform(seen(podSeen, pvcSeen, finished, done, p -> p.getMetadata().getLabels().get(Labels.AGENT_RUN))));
            informers.add(client.persistentVolumeClaims().inNamespace(NS).withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                    .inform(seen(pvcSeen, podSeen, finished, done, p -> p.getMetadata().getLabels().get(Labels.AGENT_RUN))));

            AtomicLong peakHeap = new AtomicLong(idleHeap);
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        peakHeap.accumulateAndGet(heap(http, metrics), Math::max);
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception ignored) {
                        // a missed sample
                    }
                }
            });

            ExecutorService creators = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                String name = String.format(Locale.ROOT, "run-%04d", i);
                creators.submit(() -> {
                    createdAt.put(name, System.nanoTime());
                    client.resource(new AgentRun(NS, name, new AgentRunSpec("Summarize repo " + name, null,
                            new AgentRunSpec.Model("http://10.1.2.3:1234/v1", "qwen", null), null, null, null, null, null))).create();
                });
            }
            creators.shutdown();
            creators.awaitTermination(10, TimeUnit.MINUTES);
            long allCreated = System.nanoTime();
            boolean complete = done.await(15, TimeUnit.MINUTES);
            long end = System.nanoTime();
            sampler.interrupt();
            sampler.join();
            java.time.Duration operatorCpu = operator.toHandle().info().totalCpuDuration().orElse(null);
            java.time.Duration benchCpu = ProcessHandle.current().info().totalCpuDuration().orElse(null);
            long liveAfterGc = liveHeapAfterGc(operator, http, metrics);
            informers.forEach(SharedIndexInformer::close);

            List<Double> latencies = new ArrayList<>();
            for (var entry : createdAt.entrySet()) {
                Long pod = podSeen.get(entry.getKey());
                Long pvc = pvcSeen.get(entry.getKey());
                if (pod != null && pvc != null) {
                    latencies.add((Math.max(pod, pvc) - entry.getValue()) / 1e6);
                }
            }
            latencies.sort(Double::compare);
            int cpus = Runtime.getRuntime().availableProcessors();
            System.out.printf(Locale.ROOT, "## Operator scale: %d AgentRuns to a created pod and PVC%n%n", runs);
            System.out.printf(Locale.ROOT, "Measured %s on %s %s, %d CPUs, %s %s; the mock API server, the operator and this load%n"
                            + "generator share those CPUs. %d creating threads; server-side apply off (the mock lacks it).%n%n",
                    Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z"), System.getProperty("os.name"), System.getProperty("os.arch"), cpus,
                    System.getProperty("java.vm.name"), System.getProperty("java.vm.version"), threads);
            System.out.println("| figure | value |");
            System.out.println("|---|---:|");
            System.out.printf(Locale.ROOT, "| runs with pod and PVC | %d of %d%s |%n", latencies.size(), runs, complete ? "" : " (timed out)");
            System.out.printf(Locale.ROOT, "| all %d AgentRuns created (client side) | %.1f s |%n", runs, (allCreated - start) / 1e9);
            System.out.printf(Locale.ROOT, "| **first create to the last run's pod and PVC** | **%.1f s** |%n", (end - start) / 1e9);
            System.out.printf(Locale.ROOT, "| throughput | %.0f runs/s |%n", runs / ((end - start) / 1e9));
            System.out.printf(Locale.ROOT, "| per run, create to pod and PVC: median / p95 / max | %.0f / %.0f / %.0f ms |%n",
                    pct(latencies, 0.5), pct(latencies, 0.95), pct(latencies, 1.0));
            System.out.printf(Locale.ROOT, "| operator heap used, idle before the runs | %s |%n", mib(idleHeap));
            System.out.printf(Locale.ROOT, "| **operator heap used, peak while reconciling (100 ms samples)** | **%s** |%n", mib(peakHeap.get()));
            System.out.printf(Locale.ROOT, "| operator heap after a full GC at the end (live set: %,d runs and %,d children in its caches) | %s |%n",
                    runs, runs * 7, liveAfterGc < 0 ? "n/a (no jcmd)" : mib(liveAfterGc));
            System.out.printf(Locale.ROOT, "| operator max heap (%s) | %s |%n", operatorHeap == null ? "JVM default, 1/4 of RAM" : "-Xmx" + operatorHeap,
                    maxHeap(http, metrics));
            System.out.printf(Locale.ROOT, "| CPU time: the operator's process / this process (mock API server and load) | %s / %s |%n",
                    operatorCpu == null ? "n/a" : String.format(Locale.ROOT, "%.1f s", operatorCpu.toMillis() / 1e3),
                    benchCpu == null ? "n/a" : String.format(Locale.ROOT, "%.1f s", benchCpu.toMillis() / 1e3));
            System.out.println();
            System.out.println("The operator's log is in " + log + ".");
            if (!complete) {
                System.exit(1);
            }
        } finally {
            if (operator != null) {
                operator.destroy();
                operator.waitFor(20, TimeUnit.SECONDS);
            }
            server.destroy();
        }
    }

    private static <T extends HasMetadata> ResourceEventHandler<T> seen(Map<String, Long> mine, Map<String, Long> other,
                                                                       Map<String, Boolean> finished, CountDownLatch done,
                                                                       java.util.function.Function<T, String> run) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                String name = run.apply(resource);
                mine.putIfAbsent(name, System.nanoTime());
                if (other.containsKey(name) && finished.putIfAbsent(name, true) == null) {
                    done.countDown();
                }
            }

            @Override
            public void onUpdate(T old, T resource) {
            }

            @Override
            public void onDelete(T resource, boolean unknownFinalState) {
            }
        };
    }

    private static void awaitReady(HttpClient http, String url, Process operator, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!operator.isAlive()) {
                throw new IllegalStateException("the operator exited: " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the operator did not become ready in 60 s: " + Files.readString(log));
    }

    private static long heap(HttpClient http, String metrics) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(metrics)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = HEAP.matcher(body);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return (long) sum;
    }

    private static String maxHeap(HttpClient http, String metrics) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(metrics)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^jvm_memory_max_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+-]+)", Pattern.MULTILINE).matcher(body);
        double sum = 0;
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            if (v > 0) {
                sum += v;
            }
        }
        return mib((long) sum);
    }

    /** The operator's heap after {@code jcmd <pid> GC.run}: what it really keeps for the runs. */
    private static long liveHeapAfterGc(Process operator, HttpClient http, String metrics) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(operator.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor(30, TimeUnit.SECONDS);
        return heap(http, metrics);
    }

    private static double pct(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
