package io.devagent.bench;

import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScriptedModelServer} that answers every request after a fixed delay, in a JVM of its
 * own: the CPU time of the runtime under test is then its own process's, not mixed with the
 * server's. Replies are picked by the number of assistant turns in the request, so that any number
 * of concurrent runs each get {@code toolSteps} {@code read_file} calls, then a final answer.
 *
 * <p>The child prints {@code listening <baseUrl>}, then answers each {@code stats} line on its
 * standard input with {@code stats <chat requests> <process CPU ns>}; it exits when its input closes.
 */
final class ModelServerProcess implements AutoCloseable {

    record Stats(long requests, long cpuNanos) {
        Stats minus(Stats before) {
            return new Stats(requests - before.requests, cpuNanos - before.cpuNanos);
        }
    }

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final String baseUrl;

    private ModelServerProcess(Process process, BufferedReader out, PrintWriter in, String baseUrl) {
        this.process = process;
        this.out = out;
        this.in = in;
        this.baseUrl = baseUrl;
    }

    public static void main(String[] args) throws IOException {
        long delayMillis = Long.parseLong(args[0]);
        int toolSteps = Integer.parseInt(args[1]);
        Reply[] script = new Reply[toolSteps];
        Arrays.setAll(script, i -> Reply.delayed(delayMillis, ScriptedRun.readFile(i)));
        try (ScriptedModelServer server = ScriptedModelServer.start().keepRequests(false)
                .selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(script)
                .whenExhausted(Reply.delayed(delayMillis, Reply.text("Done: read " + ScriptedRun.FILE + " " + toolSteps + " times.")))) {
            System.out.println("listening " + server.baseUrl());
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            String line;
            while ((line = commands.readLine()) != null) {
                if (line.strip().equals("stats")) {
                    System.out.println("stats " + server.chatRequestCount() + " " + os.getProcessCpuTime());
                    System.out.flush();
                }
            }
        }
        System.exit(0); // the server's dispatcher thread is not a daemon
    }

    /** Starts the child on this JVM's class path and waits until it listens. */
    static ModelServerProcess start(long delayMillis, int toolSteps) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The JDK server closes idle connections past 200 by default: the runs' pooled connections would churn.
        command.add("-Dsun.net.httpserver.maxIdleConnections=4096");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ModelServerProcess.class.getName());
        command.add(Long.toString(delayMillis));
        command.add(Integer.toString(toolSteps));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String first = out.readLine();
        if (first == null || !first.startsWith("listening ")) {
            process.destroyForcibly();
            throw new IOException("the model server process did not start (it said: " + first + ")");
        }
        return new ModelServerProcess(process, out, in, first.substring("listening ".length()).strip());
    }

    String baseUrl() {
        return baseUrl;
    }

    long pid() {
        return process.pid();
    }

    /** Chat requests served and CPU time used so far. */
    Stats stats() throws IOException {
        in.println("stats");
        String line = out.readLine();
        if (line == null || !line.startsWith("stats ")) {
            throw new IOException("the model server process answered '" + line + "' to stats");
        }
        String[] parts = line.split(" ");
        return new Stats(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }

    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
