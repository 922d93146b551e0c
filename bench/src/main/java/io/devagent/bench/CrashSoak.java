package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.daemon.Protocol;
import io.devagent.daemon.RuntimeClient;
import io.devagent.json.Json;
import io.devagent.state.PidFile;
import io.devagent.state.StateDir;
import io.devagent.config.Environment;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash-and-restart soak (a harness, not a timed test): a main runtime ({@code java -jar agent.jar run})
 * with several runs in flight is SIGKILLed at random moments and started again, many times, as
 * compose's {@code restart: unless-stopped} or a node reboot would; nobody resumes anything by hand.
 * Each run appends one line per step to its own file through {@code run_shell} (a side effect the journal
 * must make exactly-once), then answers. It reports the runs that finished with no help, effects done
 * twice (goal 0) or lost, model turns asked again, and the time from a restart to the first resumed
 * model request, against the runtime's own time to readiness measured in the same restarts.
 *
 * <p>{@code bench/crash-soak [--cycles N] [--runs N] [--steps N] [--seed N] [--out FILE]}
 */
public final class CrashSoak {

    private static final String BEGIN = "<!-- bench-soak:begin -->";
    private static final String END = "<!-- bench-soak:end -->";

    private final int cycles;
    private final int inFlight;
    private final int steps;
    private final Random random;
    private final Path work;
    private final Path workspace;
    private final Path stateDir;
    private final CheckoutFiles files;
    /** Requests per (run, turn): a turn asked more than once was lost in flight and asked again. */
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    private final AtomicLong lastRequestNanos = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong firstRequestAfter = new AtomicLong();
    private volatile long restartedAt;

    private CrashSoak(int cycles, int inFlight, int steps, long seed) throws Exception {
        this.cycles = cycles;
        this.inFlight = inFlight;
        this.steps = steps;
        this.random = new Random(seed);
        this.work = Files.createTempDirectory("dev-agent-soak-");
        this.workspace = Files.createDirectories(work.resolve("workspace"));
        this.stateDir = work.resolve("state");
        this.files = CheckoutFiles.locate();
    }

    public static void main(String[] args) throws Exception {
        int cycles = 20;
        int runs = 4;
        int steps = 6;
        long seed = 16;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cycles" -> cycles = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String section = new CrashSoak(cycles, runs, steps, seed).soak();
        System.out.println(section);
        if (out != null) {
            ReportFile.write(out, section, BEGIN, END);
            System.err.println("[soak] written to " + out);
        }
    }

    /** Each turn of each run: a side effect (one line appended), then the answer; a little model latency each. */
    private Reply script() {
        return (exchange, request) -> {
            String goal = "";
            int turns = 0;
            for (JsonNode m : request.path("messages")) {
                if (goal.isEmpty() && "user".equals(m.path("role").asText())) {
                    goal = m.path("content").asText();
                }
                if ("assistant".equals(m.path("role").asText())) {
                    turns++;
                }
            }
            String run = goal.replaceFirst("^Soak run ", "");
            asked.computeIfAbsent(run + "#" + turns, k -> new AtomicInteger()).incrementAndGet();
            long now = System.nanoTime();
            lastRequestNanos.set(now);
            requests.incrementAndGet();
            firstRequestAfter.compareAndSet(0, now);
            try {
                Thread.sleep(40 + random(80)); // a fast local model
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Reply reply = turns < steps
                    ? Reply.toolCall("run_shell", Json.write(Json.object().put("command", "echo step-" + turns + " >> effects-" + run + ".log")))
                    : Reply.text("done " + run);
            reply.serve(exchange, request);
        };
    }

    private synchronized int random(int bound) {
        return random.nextInt(bound);
    }

    private String soak() throws Exception {
        List<Long> readyNanos = new ArrayList<>();
        List<Long> firstResumedNanos = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        int kills = 0;
        try (ScriptedModelServer server = ScriptedModelServer.start()) {
            server.keepRequests(false).whenExhausted(script());
            Map<String, String> env = Map.of("LLM_BASE_URL", server.baseUrl(), "LLM_MODEL", "scripted-model",
                    "AGENT_STATE_DIR", stateDir.toString(), "AGENT_WORKSPACE", workspace.toString(), "LLM_RETRY_BASE_MS", "50",
                    "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", work.toString());
            StateDir state = StateDir.resolve(Optional.of(stateDir), new Environment(env));
            int next = 0;
            for (int cycle = 1; cycle <= cycles + 1; cycle++) {
                boolean last = cycle == cycles + 1;
                firstRequestAfter.set(0);
                restartedAt = System.nanoTime();
                Process runtime = start(env, cycle);
                long ready = awaitReady(state, runtime);
                readyNanos.add(ready - restartedAt);
                boolean interrupted = cycle > 1 && unfinished(state, runs) > 0;
                if (!last) {
                    // Keep the runs in flight topped up: new goals join the ones the restart resumed.
                    while (unfinished(state, runs) < inFlight) {
                        String id = String.format(Locale.ROOT, "soak-%03d", next++);
                        handOver(state, id);
                        runs.add(id);
                    }
                }
                if (interrupted) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (firstRequestAfter.get() == 0 && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    if (firstRequestAfter.get() != 0) {
                        firstResumedNanos.add(firstRequestAfter.get() - restartedAt);
                    }
                }
                if (last) {
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                    while (unfinished(state, runs) > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    runtime.destroy();
                    runtime.waitFor(60, TimeUnit.SECONDS);
                    break;
                }
                // A random moment in the runs' lives, by their progress rather than the clock (the machine may be slow):
                // after 1 to 8 model requests since the restart, then up to 300 ms more.
                long target = requests.get() + 1 + random(8);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (requests.get() < target && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Thread.sleep(random(300));
                runtime.destroyForcibly(); // SIGKILL
                runtime.waitFor(30, TimeUnit.SECONDS);
                kills++;
                System.err.printf(Locale.ROOT, "[soak] kill %d: %d run(s) unfinished%n", kills, unfinished(state, runs));
            }
        }
        return report(runs, kills, readyNanos, firstResumedNanos);
    }

    private Process start(Map<String, String> env, int cycle) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(files.java().toString(), "-XX:+UseSerialGC", "-jar", files.jar().toString(), "run")
                .directory(workspace.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("runtime.log").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("runtime.err").toFile()));
        Launch.environment(builder, env);
        return builder.start();
    }

    private static long awaitReady(StateDir state, Process runtime) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!runtime.isAlive()) {
                throw new IllegalStateException("the main runtime exited " + runtime.exitValue());
            }
            if (PidFile.read(state.pidFile()).map(PidFile.Owner::pid).equals(Optional.of(runtime.pid())) && Files.exists(state.socket())) {
                return System.nanoTime();
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("the main runtime was not ready within 60 s");
    }

    private void handOver(StateDir state, String id) throws Exception {
        PidFile.Owner owner = PidFile.live(state.pidFile()).orElseThrow();
        try (RuntimeClient client = RuntimeClient.connect(state, owner)) {
            RuntimeClient.Outcome outcome = client.follow(Protocol.runRequest("Soak run " + id, Optional.of(id), workspace, true),
                    (runId, resumed) -> { });
            if (!(outcome instanceof RuntimeClient.Outcome.Detached)) {
                throw new IllegalStateException("run " + id + " was not started: " + outcome);
            }
        }
    }

    private static long unfinished(StateDir state, List<String> runs) {
        return runs.stream().filter(id -> !"succeeded".equals(status(state, id))).count();
    }

    private static String status(StateDir state, String id) {
        try {
            return Json.parse(Files.readString(state.checkpointDir(id).resolve("snapshot.json"))).path("status").asText();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private String report(List<String> runs, int kills, List<Long> ready, List<Long> firstResumed) throws Exception {
        StateDir state = StateDir.resolve(Optional.of(stateDir), new Environment(Map.of()));
        int succeeded = 0;
        int twice = 0;
        int lost = 0;
        for (String id : runs) {
            boolean done = "succeeded".equals(status(state, id));
            succeeded += done ? 1 : 0;
            Path effects = workspace.resolve("effects-" + id + ".log");
            List<String> lines = Files.exists(effects) ? Files.readAllLines(effects) : List.of();
            for (int s = 0; s < steps; s++) {
                String want = "step-" + s;
                long n = lines.stream().filter(want::equals).count();
                twice += n > 1 ? (int) (n - 1) : 0;
                lost += done && n == 0 ? 1 : 0;
            }
        }
        long repeated = asked.values().stream().mapToLong(n -> Math.max(0, n.get() - 1)).sum();
        long turns = asked.size();
        double readyMs = median(ready) / 1e6;
        double firstMs = median(firstResumed) / 1e6;
        StringBuilder md = new StringBuilder();
        md.append("## Crash-and-restart soak: runs that come back by themselves\n\n");
        md.append(String.format(Locale.ROOT, "`bench/crash-soak --cycles %d --runs %d --steps %d`: a main runtime (`java -jar agent.jar run`) "
                + "with %d runs in flight (new runs join as others finish), each run %d `run_shell` side effects then an answer, "
                + "SIGKILLed at a random moment (after 1 to 8 model requests since its start, then up to 300 ms) and started "
                + "again, %d times; nobody resumes anything by hand. "
                + "Machine: %d CPUs shared with other work.%n%n", cycles, inFlight, steps, inFlight, steps, kills,
                Runtime.getRuntime().availableProcessors()));
        md.append("| figure | value |\n| --- | --- |\n");
        md.append(String.format(Locale.ROOT, "| runs started | %d |%n", runs.size()));
        md.append(String.format(Locale.ROOT, "| runs finished with no help | %d of %d |%n", succeeded, runs.size()));
        md.append(String.format(Locale.ROOT, "| effects done twice (goal 0) | %d of %d |%n", twice, runs.size() * steps));
        md.append(String.format(Locale.ROOT, "| effects lost (in finished runs) | %d |%n", lost));
        md.append(String.format(Locale.ROOT, "| model turns asked again (a reply lost in flight by a kill) | %d of %d turns |%n", repeated, turns));
        md.append(String.format(Locale.ROOT, "| restart to ready (`agent.pid` and socket), median of %d | %.0f ms |%n", ready.size(), readyMs));
        md.append(String.format(Locale.ROOT, "| restart to the first resumed model request, median of %d | %.0f ms (%.2f× the time to ready) |%n",
                firstResumed.size(), firstMs, readyMs == 0 ? 0 : firstMs / readyMs));
        md.append("\nA turn asked again is the model request that was in flight when the runtime died: its reply never reached "
                + "the journal, so the resumed run asks once more (the tokens are counted once, at the run's journaled total). "
                + "An effect is never done twice: its intent is journaled before it runs and its outcome after, and a resume "
                + "replays a journaled outcome or settles an intent without an outcome instead of running it again. An effect "
                + "lost is a `run_shell` whose intent was journaled but whose outcome was not when the runtime died: it is not "
                + "run again (a shell command cannot be checked as a file write can), the model is told its effect is unknown, "
                + "and in this harness the model goes on with the next step, so that line may be missing. The time to ready "
                + "is the baseline: a JVM start and the state directory's claim, measured in the same restarts.\n");
        return md.toString();
    }

    private static double median(List<Long> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
