package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.checkpoint.SnapshotWriter;
import io.devagent.model.Tokens;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.metrics.Metrics;
import io.devagent.model.ModelClient;
import io.devagent.model.ModelSettings;
import io.devagent.state.StateDir;
import io.devagent.testkit.ScriptedModelServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runtime's per-step work, each piece timed on its own through the runtime's public classes
 * with the data of a real step: the journal commit, the snapshot rewrite, the step's audit lines
 * and their fsync, the metrics.json merge, and {@link ModelClient#chat} (the agent's side of the
 * HTTP exchange, JSON included). Summed, they show where a step's time goes.
 */
final class CheckpointComponents {

    private static final String RUN_ID = "bench-components";

    private final Path dir;
    private final int warmup;
    private final int ops;

    CheckpointComponents(Path dir, int warmup, int ops) {
        this.dir = dir;
        this.warmup = warmup;
        this.ops = ops;
    }

    /** A step's data, taken from a real run: its journal entry and its audit events. */
    record StepSample(int step, JsonNode journalEntry, List<String> auditTypes, List<ObjectNode> auditData) {

        static StepSample of(RunOutcome run, int step) throws IOException {
            JsonNode entry = null;
            for (String line : Files.readAllLines(run.journal())) {
                JsonNode node = Json.parse(line);
                if ("step".equals(node.path("type").asText()) && node.path("step").asInt() == step) {
                    entry = node;
                }
            }
            if (entry == null) {
                throw new IllegalArgumentException("no step " + step + " in " + run.journal());
            }
            List<String> types = new ArrayList<>();
            List<ObjectNode> data = new ArrayList<>();
            for (String line : Files.readAllLines(run.audit())) {
                JsonNode event = Json.parse(line);
                if (event.path("data").path("step").asInt(-1) == step) {
                    types.add(event.path("type").asText());
                    data.add((ObjectNode) event.path("data"));
                }
            }
            return new StepSample(step, entry, types, data);
        }
    }

    @FunctionalInterface
    private interface Op {
        void run(int i) throws Exception;
    }

    private Summary time(Op op) throws Exception {
        long[] samples = new long[ops];
        for (int i = 0; i < warmup + ops; i++) {
            long started = System.nanoTime();
            op.run(i);
            long took = System.nanoTime() - started;
            if (i >= warmup) {
                samples[i - warmup] = took;
            }
        }
        return Summary.of(samples);
    }

    List<Component> checkpoint(StepSample sample, Environment env) throws Exception {
        StateDir state = StateDir.resolve(Optional.of(Files.createDirectories(dir.resolve("state-components"))), env).ensureWritable();
        Checkpoints checkpoints = new Checkpoints(state);
        List<Component> out = new ArrayList<>();

        List<JsonNode> messages = new ArrayList<>();
        sample.journalEntry().path("messages").forEach(messages::add);
        JsonNode u = sample.journalEntry().path("usage");
        Tokens usage = new Tokens(u.path("prompt").asLong(), u.path("completion").asLong(), u.path("total").asLong());
        try (RunJournal journal = new RunJournal(checkpoints.create(RUN_ID))) {
            journal.start(RUN_ID, "goal", ScriptedRun.MODEL, dir.toString(), Instant.now().toString());
            out.add(new Component("journal step commit", "RunJournal.step: one line of step " + sample.step() + ", force(false)",
                    time(i -> journal.step(i + 1, messages, usage, null, null, null, null))));

            // What exactly-once costs a side-effecting call: an intent before the effect and an outcome after, each fsync'd.
            JsonNode effect = io.devagent.json.Json.object().put("kind", "write_file").put("path", "notes.md")
                    .put("sha256", "0".repeat(64)).put("description", "write notes.md");
            out.add(new Component("intent + outcome (side-effecting call)",
                    "RunJournal.intent then RunJournal.outcome of a write_file: two lines, two force(false)",
                    time(i -> {
                        journal.intent(i + 1, 0, "write_file", effect);
                        journal.outcome(i + 1, 0, "created notes.md (120 bytes)", false);
                    })));

            String created = Instant.now().toString();
            long pid = ProcessHandle.current().pid();
            out.add(new Component("snapshot rewrite", "Checkpoints.writeSnapshot: pretty JSON, temp file, rename (no fsync)",
                    time(i -> checkpoints.writeSnapshot(new Snapshot(RUN_ID, "goal", Snapshot.RUNNING, i, Instant.now().toString(),
                            created, ScriptedRun.MODEL, dir.toString(), usage, null, null, null, "read_file", journal.bytes(), pid)))));
        }

        try (AuditLog audit = AuditLog.open(state.auditLog(RUN_ID), RUN_ID, Redactor.from(env, List.of()))) {
            out.add(new Component("audit lines + fsync", sample.auditTypes().size() + " events (" + String.join(", ", sample.auditTypes())
                    + "): redact, SHA-256 chain, append; force(false)",
                    time(i -> {
                        for (int e = 0; e < sample.auditTypes().size(); e++) {
                            audit.append(sample.auditTypes().get(e), sample.auditData().get(e).deepCopy());
                        }
                        audit.sync();
                    })));
        }

        Metrics metrics = new Metrics();
        Path metricsFile = state.metricsFile();
        out.add(new Component("metrics.json merge", "Metrics.flush: lock, read, merge, pretty-print, temp file, rename",
                time(i -> {
                    metrics.recordTool("read_file", Duration.ofNanos(80_000), false);
                    metrics.recordTokens(RUN_ID, usage);
                    metrics.flush(metricsFile);
                })));

        out.add(inSequence(sample, env, usage, messages));

        Path crowded = dir.resolve("metrics-crowded.json");
        Metrics history = new Metrics();
        for (int r = 0; r < 1000; r++) {
            history.recordTokens(String.format("20250101-000000-%06x", r), usage);
        }
        history.flush(crowded);
        Metrics later = new Metrics();
        out.add(new Component("metrics.json merge, 1,000 earlier runs", "the same, when metrics.json already lists 1,000 runs' tokens",
                time(i -> {
                    later.recordTool("read_file", Duration.ofNanos(80_000), false);
                    later.recordTokens(RUN_ID, usage);
                    later.flush(crowded);
                })));
        return out;
    }

    /**
     * All of a step's file work in the order the loop does it, in a state directory of its own: the
     * audit lines before the commit, the journal step with the audit fsync beside it, the snapshot
     * and the metrics handed to their writers, the checkpoint audit line. Against the sum of the
     * pieces, it shows what the loop's arrangement saves (and what the pieces cost each other).
     */
    private Component inSequence(StepSample sample, Environment env, Tokens usage, List<JsonNode> messages) throws Exception {
        String id = RUN_ID + "-seq";
        StateDir state = StateDir.resolve(Optional.of(Files.createDirectories(dir.resolve("state-sequence"))), env).ensureWritable();
        Checkpoints checkpoints = new Checkpoints(state);
        Metrics metrics = new Metrics();
        String created = Instant.now().toString();
        long pid = ProcessHandle.current().pid();
        try (RunJournal journal = new RunJournal(checkpoints.create(id));
             AuditLog audit = AuditLog.open(state.auditLog(id), id, Redactor.from(env, List.of()));
             SnapshotWriter snapshots = new SnapshotWriter(checkpoints)) {
            journal.start(id, "goal", ScriptedRun.MODEL, dir.toString(), created);
            return new Component("a step's file work as the loop does it", "the audit lines, journal step and audit fsync side by side, "
                    + "snapshot and metrics.json handed to their writers (written behind, coalesced), the checkpoint audit line",
                    time(i -> {
                        for (int e = 0; e < sample.auditTypes().size(); e++) {
                            if (!"checkpoint".equals(sample.auditTypes().get(e))) {
                                audit.append(sample.auditTypes().get(e), sample.auditData().get(e).deepCopy());
                            }
                        }
                        journal.step(i + 1, messages, usage, null, null, null, audit::sync);
                        snapshots.soon(new Snapshot(id, "goal", Snapshot.RUNNING, i + 1, Instant.now().toString(),
                                created, ScriptedRun.MODEL, dir.toString(), usage, null, null, null, "read_file", journal.bytes(), pid));
                        audit.append("checkpoint", Json.object().put("step", i + 1).put("journal_bytes", journal.bytes())
                                .put("tokens", usage.total()));
                        metrics.recordTool("read_file", Duration.ofNanos(80_000), false);
                        metrics.recordTokens(id, usage);
                        metrics.flushSoon(state.metricsFile());
                    }));
        }
    }

    /** {@link ModelClient#chat} with the messages and tools of a recorded request. */
    Component modelClient(String name, byte[] request) throws Exception {
        JsonNode body = Json.MAPPER.readTree(request);
        List<JsonNode> messages = new ArrayList<>();
        body.path("messages").forEach(m -> messages.add(Json.raw(m))); // kept serialised, as the run's conversation is
        ArrayNode tools = (ArrayNode) body.path("tools");
        try (ScriptedModelServer server = ScriptedRun.answeringServer()) {
            ModelClient client = new ModelClient(ModelSettings.from(ScriptedRun.env(server.baseUrl())));
            return new Component(name, messages.size() + " messages, " + Fmt.bytes(request.length) + " bytes of request",
                    time(i -> client.chat(ScriptedRun.MODEL, messages, tools)));
        }
    }
}
