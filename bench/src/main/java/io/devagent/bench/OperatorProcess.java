package io.devagent.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as its own process ({@code java -jar operator/target/dev-agent-operator.jar}, server-side
 * apply and leader election off) against the mock API server, and what the benchmark reads of it: its
 * {@code /metrics}, and its GC log, whose heap before each collection is the exact peak that sampling
 * {@code /metrics} would only approach (and sampling it often costs the operator CPU: rendering
 * {@code /metrics} ten times a second was 12 % of the operator's samples in a profile).
 */
final class OperatorProcess implements AutoCloseable {

    private static final Pattern GC_PAUSE = Pattern.compile("Pause.* (\\d+)([KMG])->(\\d+)([KMG])\\(");

    private final Process process;
    private final Path log;
    private final Path gcLog;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    private OperatorProcess(Process process, Path log, Path gcLog, int port) {
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Starts the operator against {@code masterUrl} and waits for its {@code /readyz}. */
    static OperatorProcess start(Path jar, String masterUrl, String heap, List<String> jvmOptions) throws Exception {
        int port = freePort();
        Path log = Files.createTempFile("dev-agent-operator-scale", ".log");
        Path gcLog = Files.createTempFile("dev-agent-operator-scale", ".gc.log");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (heap != null) {
            command.add("-Xmx" + heap);
        }
        command.addAll(jvmOptions);
        command.add("-Xlog:gc:file=" + gcLog);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KUBERNETES_MASTER", masterUrl);
        builder.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        builder.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        builder.environment().put("OPERATOR_SERVER_SIDE_APPLY", "false");
        builder.environment().put("OPERATOR_LEADER_ELECTION", "false");
        builder.environment().put("OPERATOR_HTTP_PORT", Integer.toString(port));
        builder.environment().put("OPERATOR_APISERVER_CIDRS", "10.0.0.1/32:6443");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        OperatorProcess operator = new OperatorProcess(builder.start(), log, gcLog, port);
        operator.awaitReady();
        return operator;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited: " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the operator did not become ready in 60 s: " + Files.readString(log));
    }

    String metrics() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of a metric's samples whose labels contain {@code labelPart} ("" for all), from {@code /metrics}. */
    static double sum(String metrics, String name, String labelPart) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
        double sum = 0;
        while (m.find()) {
            double value = Double.parseDouble(m.group(2));
            if ((m.group(1) == null ? "" : m.group(1)).contains(labelPart) && value > 0) {
                sum += value;
            }
        }
        return sum;
    }

    long heapUsed() throws IOException, InterruptedException {
        return (long) sum(metrics(), "jvm_memory_used_bytes", "area=\"heap\"");
    }

    long heapMax() throws IOException, InterruptedException {
        return (long) sum(metrics(), "jvm_memory_max_bytes", "area=\"heap\"");
    }

    /** The largest heap before a collection in the GC log so far, in bytes (0 before the first). */
    long peakHeapFromGcLog() throws IOException {
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_PAUSE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)) << shift(m.group(2)));
            }
        }
        return peak;
    }

    private static int shift(String unit) {
        return switch (unit) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
    }

    /** The heap after {@code jcmd <pid> GC.run}: what the operator really keeps; -1 without jcmd. */
    long liveHeapAfterGc() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor(30, TimeUnit.SECONDS);
        return heapUsed();
    }

    Optional<Duration> cpu() {
        return process.toHandle().info().totalCpuDuration();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
