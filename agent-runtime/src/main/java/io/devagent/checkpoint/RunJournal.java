package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entries of a run's journal, written and read only here:
 * <ul>
 *   <li>{@code {"type":"start","run_id","goal","model","workspace","created_at","continued_from"?,"history"?}}:
 *       a follow-up run ({@code agent run --continue}) carries the conversation it goes on from</li>
 *   <li>{@code {"type":"reply","step","message","usage","text"}}: the model's reply for a step in
 *       progress, so that a crash after it does not ask the model again</li>
 *   <li>{@code {"type":"intent","step","call","name","effect"}}: a side effect is about to happen
 *       (fsync'd before it does)</li>
 *   <li>{@code {"type":"outcome","step","call","output","error"}}: what a side-effecting call
 *       returned (fsync'd): on resume it is replayed, never executed again</li>
 *   <li>{@code {"type":"step","step","messages":[...],"usage":{...},"plan"?,"review"?,"files"?,"ts"}}:
 *       a committed step: the messages it added to the conversation, the reviewer's verdict, and
 *       the hashes of the files the step left written</li>
 *   <li>{@code {"type":"tool_mode","mode"}}: the run switched to the text convention</li>
 *   <li>{@code {"type":"budget","window","source","reply_reserve"}}: the context window the run works in, as found at
 *       its start or resume, or learned from an overflow answer</li>
 *   <li>{@code {"type":"compaction",...}}: what is sent from now on for the older steps (placeholders, a summary);
 *       fsync'd before the request that uses it. The steps themselves are kept as they were.</li>
 *   <li>{@code {"type":"status","status","answer"?,"message"?,"by"?,"ts"}}: paused (by whom), resumed, finished, cancelled</li>
 *   <li>{@code {"type":"approval","step","call","id","name","arguments","preview","requested_at"}}: a call
 *       of the step in progress waits for a person's answer (the policy's {@code approve})</li>
 *   <li>{@code {"type":"approval_answer","step","call","approved","reason"?,"by","answered_at"}}: the answer</li>
 * </ul>
 */
public final class RunJournal implements Closeable {

    private final Journal journal;

    public RunJournal(Journal journal) {
        this.journal = journal;
    }

    public void start(String runId, String goal, String model, String workspace, String createdAt) throws IOException {
        start(runId, goal, model, workspace, createdAt, null, List.of());
    }

    /** The start of a run that goes on from the conversation ({@code history}) of run {@code continuedFrom}. */
    public void start(String runId, String goal, String model, String workspace, String createdAt, String continuedFrom,
                      List<? extends JsonNode> history) throws IOException {
        ObjectNode entry = Json.object().put("type", "start").put("run_id", runId).put("goal", goal)
                .put("model", model).put("workspace", workspace).put("created_at", createdAt);
        if (continuedFrom != null) {
            entry.put("continued_from", continuedFrom);
            ArrayNode messages = entry.putArray("history");
            history.forEach(messages::add);
        }
        journal.append(entry);
        journal.commit();
    }

    /** A call waits for a person's answer: durable before anyone is asked. */
    public void approval(ObjectNode request) throws IOException {
        journal.append(Json.object().put("type", "approval").setAll(request));
        journal.commit();
    }

    /** A person's answer to the waiting call: durable before the call runs or is refused. */
    public void approvalAnswer(ObjectNode answer) throws IOException {
        journal.append(Json.object().put("type", "approval_answer").setAll(answer));
        journal.commit();
    }

    /**
     * Appends and commits a step: after this returns, the step survives a crash. {@code alongside}
     * (the audit log's fsync), when given, is made durable together with it, at about the cost of one fsync.
     */
    public void step(int step, List<? extends JsonNode> messages, Tokens usage, String plan, JsonNode review,
                     Map<String, String> files, ParallelSync.Sync alongside) throws IOException {
        journal.append(stepEntry(step, messages, usage, plan, review, files));
        commit(alongside);
    }

    /** Commits the last step, which holds the final answer: a crash after it finishes the run on resume. */
    public void finalStep(int step, List<? extends JsonNode> messages, Tokens usage, String plan, String answer,
                          ParallelSync.Sync alongside) throws IOException {
        ObjectNode entry = stepEntry(step, messages, usage, plan, null, null);
        entry.put("answer", answer);
        journal.append(entry);
        commit(alongside);
    }

    private void commit(ParallelSync.Sync alongside) throws IOException {
        if (alongside == null) {
            journal.commit();
        } else {
            ParallelSync.both(journal::commit, alongside);
        }
    }

    private static ObjectNode stepEntry(int step, List<? extends JsonNode> messages, Tokens usage, String plan, JsonNode review,
                                        Map<String, String> files) {
        ObjectNode entry = Json.object().put("type", "step").put("step", step);
        ArrayNode array = entry.putArray("messages");
        messages.forEach(array::add);
        entry.set("usage", usageJson(usage));
        if (plan != null) {
            entry.put("plan", plan);
        }
        if (review != null) {
            entry.set("review", review);
        }
        if (files != null && !files.isEmpty()) {
            ObjectNode f = entry.putObject("files");
            files.forEach((path, hash) -> {
                if (hash == null) {
                    f.putNull(path);
                } else {
                    f.put(path, hash);
                }
            });
        }
        entry.put("ts", Instant.now().toString());
        return entry;
    }

    /**
     * Test hook for crash tests: writes the first half of a step entry, as a crash in the middle of
     * the write would leave it. Reopening the journal cuts it off.
     */
    public void tornStepForCrashTest(int step, List<? extends JsonNode> messages, Tokens usage) throws IOException {
        journal.appendPartial(stepEntry(step, messages, usage, null, null, null));
    }

    /** The model's reply for the step in progress; made durable by the next commit or intent. */
    public void reply(int step, JsonNode message, Tokens usage, boolean textConvention) throws IOException {
        reply(step, message, usage, textConvention, 0);
    }

    /**
     * With the bytes of the request it answers: with the reply's prompt tokens, that is the token
     * estimate's calibration, which a resume takes up so that it compacts where the first run would have.
     */
    public void reply(int step, JsonNode message, Tokens usage, boolean textConvention, long promptBytes) throws IOException {
        ObjectNode entry = Json.object().put("type", "reply").put("step", step).<ObjectNode>set("message", message)
                .<ObjectNode>set("usage", usageJson(usage)).put("text", textConvention);
        if (promptBytes > 0) {
            entry.put("prompt_bytes", promptBytes);
        }
        journal.append(entry);
    }

    /** A side effect is about to happen: durable before it does. */
    public void intent(int step, int call, String name, JsonNode effect) throws IOException {
        journal.append(Json.object().put("type", "intent").put("step", step).put("call", call).put("name", name)
                .set("effect", effect));
        journal.commit();
    }

    /** What a side-effecting call returned: durable, so that it is replayed rather than run again. */
    public void outcome(int step, int call, String output, boolean error) throws IOException {
        journal.append(Json.object().put("type", "outcome").put("step", step).put("call", call).put("output", output)
                .put("error", error));
        journal.commit();
    }

    private static ObjectNode usageJson(Tokens usage) {
        return Json.object().put("prompt", usage.prompt()).put("completion", usage.completion()).put("total", usage.total());
    }

    public void toolMode(String mode) throws IOException {
        journal.append(Json.object().put("type", "tool_mode").put("mode", mode));
        journal.commit();
    }

    /** The context window the run works in (fsync'd). */
    public void budget(int window, String source, int replyReserve) throws IOException {
        journal.append(Json.object().put("type", "budget").put("window", window).put("source", source)
                .put("reply_reserve", replyReserve).put("ts", Instant.now().toString()));
        journal.commit();
    }

    /** A compaction, durable before the request that uses it, so that a resume sends the same bytes. */
    public void compaction(ObjectNode compaction) throws IOException {
        ObjectNode entry = Json.object().put("type", "compaction");
        entry.setAll(compaction);
        journal.append(entry.put("ts", Instant.now().toString()));
        journal.commit();
    }

    public void status(String status, String answer, String message) throws IOException {
        status(status, answer, message, null);
    }

    /** A status entry; {@code by} says who paused a run ({@code Snapshot.BY_*}), which decides whether a restart resumes it. */
    public void status(String status, String answer, String message, String by) throws IOException {
        ObjectNode entry = Json.object().put("type", "status").put("status", status);
        if (by != null) {
            entry.put("by", by);
        }
        if (answer != null) {
            entry.put("answer", answer);
        }
        if (message != null) {
            entry.put("message", message);
        }
        entry.put("ts", Instant.now().toString());
        journal.append(entry);
        journal.commit();
    }

    public long bytes() {
        return journal.bytes();
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }

    /** A run as its journal tells it. */
    public record Recovered(String runId, String goal, String model, String workspace, String createdAt,
                            List<List<JsonNode>> steps, Tokens tokens, String plan, String status, String answer,
                            String message, String toolMode, Map<String, String> files, Pending pending,
                            List<JsonNode> replies, String finalAnswer, JsonNode compaction, JsonNode budget,
                            String continuedFrom, List<JsonNode> history, String pausedBy) {

        public int currentStep() {
            return steps.size();
        }

        /** The same run, as the follow-up of run {@code from} whose conversation ({@code earlier}) it carries on. */
        public Recovered continuing(String from, List<JsonNode> earlier) {
            return new Recovered(runId, goal, model, workspace, createdAt, steps, tokens, plan, status, answer, message, toolMode,
                    files, pending, replies, finalAnswer, compaction, budget, from, List.copyOf(earlier), pausedBy);
        }

        /** A fresh run that has only its start entry. */
        public static Recovered fresh(String runId, String goal, String model, String workspace, String createdAt) {
            return new Recovered(runId, goal, model, workspace, createdAt, List.of(), Tokens.ZERO, null, Snapshot.RUNNING,
                    null, null, null, Map.of(), null, List.of(), null, null, null, null, List.of(), null);
        }
    }

    /**
     * The step that was in progress when the run stopped: the model's reply, and the intents and
     * outcomes of its side-effecting calls, by call index.
     */
    public record Pending(int step, JsonNode message, Tokens usage, boolean textConvention,
                          Map<Integer, JsonNode> intents, Map<Integer, JsonNode> outcomes) {
    }

    public static Recovered recover(List<JsonNode> entries) throws CheckpointException {
        if (entries.isEmpty() || !"start".equals(entries.get(0).path("type").asText())) {
            throw new CheckpointException("the journal does not begin with a start entry; it is damaged");
        }
        JsonNode start = entries.get(0);
        List<List<JsonNode>> steps = new ArrayList<>();
        Tokens tokens = Tokens.ZERO;
        String plan = null;
        String status = Snapshot.RUNNING;
        String answer = null;
        String message = null;
        String toolMode = null;
        Map<String, String> files = new LinkedHashMap<>();
        Pending pending = null;
        List<JsonNode> replies = new ArrayList<>();
        String finalAnswer = null;
        JsonNode compaction = null;
        JsonNode budget = null;
        String pausedBy = null;
        for (JsonNode entry : entries.subList(1, entries.size())) {
            switch (entry.path("type").asText()) {
                case "step" -> {
                    List<JsonNode> messages = new ArrayList<>();
                    entry.path("messages").forEach(messages::add);
                    steps.add(messages);
                    tokens = tokens.plus(usage(entry.path("usage")));
                    if (entry.hasNonNull("plan")) {
                        plan = entry.get("plan").asText();
                    }
                    entry.path("files").fields().forEachRemaining(f -> {
                        if (f.getValue().isNull()) {
                            files.remove(f.getKey());
                        } else {
                            files.put(f.getKey(), f.getValue().asText());
                        }
                    });
                    pending = null;
                    finalAnswer = entry.hasNonNull("answer") ? entry.get("answer").asText() : null;
                }
                case "reply" -> {
                    replies.add(entry);
                    pending = new Pending(entry.path("step").asInt(), entry.path("message"), usage(entry.path("usage")),
                            entry.path("text").asBoolean(), new TreeMap<>(), new TreeMap<>());
                }
                case "intent" -> {
                    if (pending != null && pending.step() == entry.path("step").asInt()) {
                        pending.intents().put(entry.path("call").asInt(), entry);
                    }
                }
                case "outcome" -> {
                    if (pending != null && pending.step() == entry.path("step").asInt()) {
                        pending.outcomes().put(entry.path("call").asInt(), entry);
                    }
                }
                case "tool_mode" -> toolMode = entry.path("mode").asText();
                case "compaction" -> compaction = entry;
                case "budget" -> budget = entry;
                case "status" -> {
                    status = entry.path("status").asText();
                    answer = entry.path("answer").asText(null);
                    message = entry.path("message").asText(null);
                    pausedBy = entry.path("by").asText(null);
                }
                default -> {
                    // entries of later formats are skipped, not fatal
                }
            }
        }
        if (pending != null && pending.step() != steps.size() + 1) {
            pending = null; // a reply that does not follow the last committed step cannot be resumed
        }
        return new Recovered(start.path("run_id").asText(), start.path("goal").asText(), start.path("model").asText(null),
                start.path("workspace").asText(null), start.path("created_at").asText(null), steps, tokens, plan, status,
                answer, message, toolMode, files, pending, replies, finalAnswer, compaction, budget,
                start.path("continued_from").asText(null), history(start), pausedBy);
    }

    private static List<JsonNode> history(JsonNode start) {
        List<JsonNode> messages = new ArrayList<>();
        start.path("history").forEach(messages::add);
        return messages;
    }

    private static Tokens usage(JsonNode u) {
        return new Tokens(u.path("prompt").asLong(), u.path("completion").asLong(), u.path("total").asLong());
    }
}
