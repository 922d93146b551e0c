package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.devagent.state.StateDir;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ServerKind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs on a small window: a scripted server plays llama.cpp with an 8,192-token window (reported
 * at /props, enforced with its overflow answer), and runs read 2.4 KB files (40 reads, 300 reads)
 * or the step benchmark's small file (300 reads). For each: requests over the window (goal 0), the peak prompt as a share of the window,
 * prefix reuse (the share of each request's predecessor it repeats byte for byte, over the run;
 * goal at least 0.9 for the 300-step run), and what the compactions cost (time, bytes journaled).
 * {@code bench/run --context [--smoke] [--out FILE]}.
 */
public final class ContextBench {

    static final String BEGIN = "<!-- bench-context:begin -->";
    static final String END = "<!-- bench-context:end -->";
    private static final int WINDOW = 8192;
    private static final int FILES = 40;

    record Row(String label, int steps, String status, int overWindow, double peakShare, double prefixReuse, int compactions,
               int summaries, double compactionMs, long compactionJournalBytes, double msPerStep) {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        Path out = Path.of(System.getProperty("bench.root", ".")).resolve("BENCHMARKS.md");
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--out")) {
                out = Path.of(args[i + 1]);
            }
        }
        Path work = Files.createTempDirectory("context-bench");
        if (List.of(args).contains("--fresh-only")) {
            // Only the fresh-process figure, printed: for comparing builds (-Dbench.agentLauncher, -Dbench.agentJar) under the same load.
            try {
                FreshProcessSteps.Figures f = FreshProcessSteps.measure(work, smoke ? 20 : 300);
                System.out.printf(Locale.ROOT, "agent %.2f ms/step, minimal client %.2f ms/step, ratio %.2f; java -jar %.2f ms/step, ratio %.2f%n",
                        f.agentMsPerStep(), f.clientMsPerStep(), f.ratio(), f.jarMsPerStep(), f.jarRatio());
            } finally {
                TempTree.delete(work);
            }
            return;
        }
        try {
            List<Row> rows = new ArrayList<>();
            rows.add(run(work, "40 reads of 2.4 KB", smoke ? 12 : 40, false));
            rows.add(run(work, "300 reads of 2.4 KB", smoke ? 30 : 300, false));
            rows.add(run(work, "300 small reads (the step benchmark's)", smoke ? 30 : 300, true));
            FreshProcessSteps.Figures fresh = FreshProcessSteps.measure(work, smoke ? 20 : 300);
            ReportFile.publish(out, report(rows, fresh, smoke ? 20 : 300, smoke), BEGIN, END, smoke, List.of());
        } finally {
            TempTree.delete(work);
        }
    }

    static Row run(Path work, String label, int steps, boolean small) throws Exception {
        Path root = Files.createDirectories(work.resolve(label.replaceAll("[^a-z0-9]+", "-")));
        Path workspace = ScriptedRun.workspace(root);
        for (int i = 1; i <= FILES; i++) {
            StringBuilder text = new StringBuilder("note " + i + " begins\n");
            while (text.length() < 2400) {
                text.append("Filler for note ").append(i).append(", kept to bring the file to size.\n");
            }
            Files.writeString(workspace.resolve("note-" + i + ".txt"), text);
        }
        try (ScriptedModelServer server = ScriptedModelServer.start().playing(ServerKind.LLAMA_CPP, WINDOW)) {
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                replies.add(small ? ScriptedRun.readFile(i)
                        : Reply.toolCall("read_file", "{\"path\":\"note-" + (i % FILES + 1) + ".txt\"}"));
            }
            replies.add(Reply.text("done"));
            server.script(replies.toArray(Reply[]::new));
            Environment env = new Environment(Map.of("LLM_BASE_URL", server.baseUrl(), "LLM_MODEL", "scripted-model",
                    "LLM_RETRY_BASE_MS", "10"));
            Policy policy = Policy.defaults().withLimits(new Policy.Limits(steps + 10, Long.MAX_VALUE, null));
            Path state = root.resolve("state");
            AgentConfig config = new AgentConfig(StateDir.resolve(Optional.of(state), env), workspace, ModelSettings.from(env),
                    () -> policy, env);
            long started = System.nanoTime();
            RunResult result = new Agent(config).start("Read the notes one by one, one read_file call per step.", Optional.empty(),
                    new RunControl(), RunListener.NONE);
            double ms = (System.nanoTime() - started) / 1e6;
            int compactions = 0;
            int summaries = 0;
            int summarizedThrough = 0;
            double compactionMs = 0;
            long compactionBytes = 0;
            for (String line : Files.readAllLines(state.resolve("audit").resolve("run-" + result.runId() + ".jsonl"))) {
                JsonNode event = Json.parse(line);
                if (event.path("type").asText().equals("compaction")) {
                    compactions++;
                    JsonNode data = event.path("data");
                    // A compaction with placeholders only carries the earlier summary on: only one that summarizes further wrote one.
                    summaries += data.path("summarized_through").asInt() > summarizedThrough ? 1 : 0;
                    summarizedThrough = Math.max(summarizedThrough, data.path("summarized_through").asInt());
                    compactionMs += data.path("duration_ms").asDouble();
                    compactionBytes += data.path("journal_bytes").asLong();
                }
            }
            int peak = server.promptTokens().stream().mapToInt(Integer::intValue).max().orElse(0);
            return new Row(label, result.steps(), result.status(), server.overWindowRequests(), (double) peak / WINDOW,
                    server.prefixReuse(), compactions, summaries, compactionMs, compactionBytes, ms / Math.max(1, result.steps()));
        }
    }

    static String report(List<Row> rows, FreshProcessSteps.Figures fresh, int freshSteps, boolean smoke) {
        StringBuilder md = new StringBuilder("## Context window: runs on an 8k window\n\n");
        md.append("`bench/run --context`").append(smoke ? " (smoke: tiny counts, figures mean nothing)" : "")
                .append(". A scripted server plays llama.cpp with an 8,192-token window, reported at `/props` and enforced with ")
                .append("its overflow answer; each step reads a 2.4 KB file, or (last row) the step benchmark's two-line file. Prefix reuse: the bytes of each request's predecessor ")
                .append("that it repeats at its start, summed over the run, over the predecessors' bytes (a local server reuses its ")
                .append("KV cache for that prefix). Compaction cost: time in the compactions (summary requests included) and the ")
                .append("bytes they added to the journal.\n\n");
        md.append("| run | steps | status | requests over the window | peak prompt / window | prefix reuse | compactions (that wrote a summary) "
                + "| compaction time, total | compaction bytes journaled | time per step |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.2f | %.3f | %d (%d) | %.1f ms | %d B | %.2f ms |%n", r.label(),
                    r.steps(), r.status(), r.overWindow(), r.peakShare(), r.prefixReuse(), r.compactions(), r.summaries(),
                    r.compactionMs(), r.compactionJournalBytes(), r.msPerStep()));
        }
        md.append(String.format(Locale.ROOT, "%nTime per step as a user meets it: `./agent run` (the launcher, with its JVM options and "
                + "the class-data archive an earlier run made) in a fresh process, no warm-up, "
                + "%d read_file steps against a scripted server (no window): **%.2f ms a step**; a minimal client in the benchmark's "
                + "(warm) JVM that sends the growing conversation, parses the reply, fsyncs one line and asks again, on the same kind "
                + "of server: %.2f ms a step; ratio **%.2f×** (the fresh process's start, about a quarter to half a second, is "
                + "spread over the steps). `java -jar agent.jar run`, without the launcher: %.2f ms a step, ratio %.2f×.%n",
                freshSteps, fresh.agentMsPerStep(), fresh.clientMsPerStep(), fresh.ratio(), fresh.jarMsPerStep(), fresh.jarRatio()));
        return md.toString();
    }
}
