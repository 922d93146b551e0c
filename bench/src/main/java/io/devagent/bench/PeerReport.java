package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The peer benchmark's section of {@code BENCHMARKS.md}, in Markdown. */
final class PeerReport {

    static final double GOAL = 0.1;

    private PeerReport() {
    }

    static String render(String when, double seconds, boolean smoke, List<PeerRow> rows, CheckpointSizes dev, RunOutcome devRun,
                         PeerOutcome peer, List<Integer> sizeSteps) throws IOException {
        JsonNode v = peer.versions();
        StringBuilder md = new StringBuilder();
        md.append("## dev-agent against LangGraph.js (peer)\n\n");
        md.append("Measured ").append(when).append(" (").append(String.format(Locale.ROOT, "%.0f", seconds)).append(" s)")
                .append(smoke ? ", **smoke run** (tiny N, one run each: the figures only show that the harness works)" : "")
                .append(". The peer, in `bench/langgraph/peer.mjs`: `@langchain/langgraph` ").append(v.path("@langchain/langgraph").asText())
                .append(" `StateGraph(MessagesAnnotation)`: a model node (`@langchain/openai` ").append(v.path("@langchain/openai").asText())
                .append(" `ChatOpenAI` with `bindTools`, not streamed), a `ToolNode` with a `read_file` tool confined to the workspace, ")
                .append("`toolsCondition` between them, compiled with `SqliteSaver` (`@langchain/langgraph-checkpoint-sqlite` ")
                .append(v.path("@langchain/langgraph-checkpoint-sqlite").asText()).append(", better-sqlite3 ")
                .append(v.path("better-sqlite3").asText()).append(") on a new database file per run; `@langchain/core` ")
                .append(v.path("@langchain/core").asText()).append(", node ").append(v.path("node").asText())
                .append(". dev-agent: `Agent.start` as in the results above. Both talk to the same `ScriptedModelServer` script: ")
                .append("N `read_file` calls on the same small file, then the final answer, so N + 1 model requests each.\n\n");

        md.append("### Per-step overhead against the goal\n\n");
        md.append("Overhead per step = per step − the loopback round trip of that side's own half-way request (a run's requests grow ")
                .append("linearly, so the half-way one stands for their mean). Goal: dev-agent's overhead at most ")
                .append(Fmt.ratio(GOAL).replace("×", "")).append(" of LangGraph.js's.\n\n");
        md.append("| N | dev-agent overhead ms/step | LangGraph.js overhead ms/step (SQLite synchronous=NORMAL, its default) | dev-agent / LangGraph.js | goal ≤ 0.1 | LangGraph.js with synchronous=FULL ms/step | dev-agent / that |\n");
        md.append("|---:|---:|---:|---:|---|---:|---:|\n");
        for (int n : rows.stream().map(PeerRow::toolSteps).distinct().toList()) {
            PeerRow d = find(rows, n, "dev-agent").orElseThrow();
            PeerRow l = find(rows, n, "LangGraph.js, synchronous=NORMAL").orElseThrow();
            Optional<PeerRow> f = find(rows, n, "LangGraph.js, synchronous=FULL");
            double ratio = d.overheadMs() / l.overheadMs();
            md.append("| ").append(n).append(" | ").append(Fmt.ms(d.overheadMs())).append(" | ").append(Fmt.ms(l.overheadMs()))
                    .append(" | **").append(String.format(Locale.ROOT, "%.3f", ratio)).append("** | ")
                    .append(ratio <= GOAL ? "met" : "not met").append(" | ")
                    .append(f.map(r -> Fmt.ms(r.overheadMs())).orElse("–")).append(" | ")
                    .append(f.map(r -> String.format(Locale.ROOT, "%.3f", d.overheadMs() / r.overheadMs())).orElse("–")).append(" |\n");
        }

        md.append("\n### Per-step time of the runs\n\n");
        md.append("| N | side | runs timed | run time ms (median) | per step ms | first request bytes | its round trip ms | half-way request bytes | its round trip ms | overhead per step ms |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PeerRow r : rows) {
            md.append("| ").append(r.toolSteps()).append(" | ").append(r.side()).append(" | ").append(r.runs()).append(" | ")
                    .append(Fmt.ms(r.runMs())).append(" | ").append(Fmt.ms(r.perStepMs())).append(" | ")
                    .append(Fmt.bytes(r.firstRequestBytes())).append(" | ").append(Fmt.ms(r.firstRttMs())).append(" | ")
                    .append(Fmt.bytes(r.midRequestBytes())).append(" | ").append(Fmt.ms(r.midRttMs())).append(" | ")
                    .append(Fmt.ms(r.overheadMs())).append(" |\n");
        }
        int longest = rows.stream().mapToInt(PeerRow::toolSteps).max().orElseThrow();
        PeerRow d = find(rows, longest, "dev-agent").orElseThrow();
        PeerRow l = find(rows, longest, "LangGraph.js, synchronous=NORMAL").orElseThrow();
        md.append("\nModel requests: ").append(requestSizes(d, l)).append('\n');

        md.append("\n### Checkpoint bytes per step\n\n");
        md.append("From the ").append(peer.toolSteps()).append("-step runs. dev-agent: the journal line the step commits (its checkpoint), ")
                .append("and, apart, the audit lines carrying the step's number. LangGraph.js checkpoints each superstep, two per step ")
                .append("(after the model node, after the tools node), each holding the whole `messages` channel: a step's bytes are those two ")
                .append("checkpoint rows (blob and metadata) and the pending writes of its two tasks, as SQLite stores them.\n\n");
        md.append("| step | dev-agent journal bytes for the step | dev-agent audit bytes for the step | dev-agent journal size after it | LangGraph.js checkpoint bytes for the step | LangGraph.js stored after it | LangGraph.js / dev-agent journal, for the step |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int k : sizeSteps) {
            long dj = dev.journalBytes().getOrDefault(k, 0L);
            long lg = peer.stepBytes().getOrDefault(k, 0L);
            md.append("| ").append(k).append(" | ").append(Fmt.bytes(dj)).append(" | ").append(Fmt.bytes(dev.auditBytes().getOrDefault(k, 0L)))
                    .append(" | ").append(Fmt.bytes(dev.journalTotal().getOrDefault(k, 0L))).append(" | ").append(Fmt.bytes(lg))
                    .append(" | ").append(Fmt.bytes(peer.storedAfter().getOrDefault(k, 0L))).append(" | ")
                    .append(dj == 0 ? "–" : Fmt.ratio((double) lg / dj)).append(" |\n");
        }
        long journal = Files.size(devRun.journal());
        long audit = Files.size(devRun.audit());
        long sqlite = peer.dbBytes() + peer.walBytes();
        md.append("\nOn disk after the ").append(peer.toolSteps()).append("-step run: dev-agent's journal ").append(Fmt.bytes(journal))
                .append(" bytes (").append(Fmt.bytes(journal / devRun.steps())).append(" per step) and audit log ").append(Fmt.bytes(audit))
                .append(" bytes; LangGraph.js's SQLite file and WAL ").append(Fmt.bytes(sqlite)).append(" bytes (")
                .append(Fmt.bytes(sqlite / peer.steps())).append(" per step; ").append(peer.checkpoints()).append(" checkpoints, ")
                .append(Fmt.bytes(peer.storedBytes())).append(" bytes of blobs), ").append(Fmt.ratio((double) sqlite / journal))
                .append(" the journal.\n");

        md.append("\n### Method\n\n");
        md.append("- One JVM and one long-lived `node peer.mjs --serve` process (a run is a JSON line in and out, so node's start is not ")
                .append("timed). The peer times itself inside the script with `process.hrtime`: opening the database (WAL, tables), compiling the ")
                .append("graph with the saver, and `invoke` to the final answer; dev-agent's time is `Agent.start`'s wall time.\n")
                .append(smoke ? "- No warm-up (smoke run). " : "- Warm-up first on both sides (dev-agent 5 × N = 10 and 3 × N = 100; "
                        + "the peer 5 × N = 10 and 1 × N = 100; 3,000 untimed round trips). ")
                .append("Then for each N, rounds in which each side runs once, the side going first alternating ")
                .append("from round to round; the figure is the median run. Each run has a new scripted server and new state: a state ")
                .append("directory for dev-agent, a database file for LangGraph.js (removed after the run).\n")
                .append("- Same model server implementation and script, both not streamed, native tool calls. The round trips replay each ")
                .append("side's recorded request with the JDK's `HttpClient` to a fresh `ScriptedModelServer`, 300 times after 100 untimed.\n")
                .append("- Durability differs by default: dev-agent `force`s its journal (and audit log) at every step; LangGraph.js's ")
                .append("`SqliteSaver` puts SQLite in WAL mode, where better-sqlite3's build defaults to `synchronous=NORMAL` ")
                .append("(pragma ").append(peer.synchronous()).append(" in these runs): commits are not fsync'd. The synchronous=FULL ")
                .append("runs (`PRAGMA synchronous=FULL` on the saver's connection) fsync the WAL at every commit, as dev-agent does; ")
                .append("they are left out at N = 1000 for time.\n")
                .append("- dev-agent's time includes all its per-step work (policy, audit log with hash chain, snapshot, metrics), ")
                .append("LangGraph.js's all of its own (checkpoint serialisation, SQLite, message conversion). Rerun with `bench/run --peer` ")
                .append("(needs node 20 or newer and `npm ci` in `bench/langgraph/`; better-sqlite3 builds from source when no prebuilt ")
                .append("binary can be fetched); `bench/run --peer --smoke` is a check of a few seconds, which `PeerBenchTest` also runs.\n");
        return md.toString();
    }

    private static String requestSizes(PeerRow d, PeerRow l) {
        return String.format(Locale.ROOT, "the first request is larger from %s: dev-agent %s bytes (its system prompt and the "
                        + "schemas of all its tools), LangGraph.js %s bytes (the goal and the one `read_file` schema); half-way through "
                        + "the %d-step run, from %s: dev-agent %s bytes, LangGraph.js %s. Each side's overhead subtracts the loopback round "
                        + "trip of its own requests; building the requests and parsing the replies stays in the overhead.",
                larger(d.firstRequestBytes(), l.firstRequestBytes()), Fmt.bytes(d.firstRequestBytes()), Fmt.bytes(l.firstRequestBytes()),
                d.toolSteps(), larger(d.midRequestBytes(), l.midRequestBytes()), Fmt.bytes(d.midRequestBytes()),
                Fmt.bytes(l.midRequestBytes()));
    }

    private static String larger(int devAgent, int langGraph) {
        return devAgent > langGraph ? "dev-agent" : devAgent < langGraph ? "LangGraph.js" : "neither (the same size)";
    }

    private static Optional<PeerRow> find(List<PeerRow> rows, int n, String side) {
        return rows.stream().filter(r -> r.toolSteps() == n && r.side().equals(side)).findFirst();
    }
}
