package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.checkpoint.Snapshot.Tokens;
import io.devagent.json.Json;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a run's journal, written and read only here:
 * <ul>
 *   <li>{@code {"type":"start","run_id","goal","model","workspace","created_at"}}</li>
 *   <li>{@code {"type":"step","step","messages":[...],"usage":{...},"plan"?,"ts"}}: a committed step,
 *       the messages it added to the conversation</li>
 *   <li>{@code {"type":"tool_mode","mode"}}: the run switched to the text convention</li>
 *   <li>{@code {"type":"status","status","answer"?,"message"?,"ts"}}: paused, resumed, finished</li>
 * </ul>
 */
public final class RunJournal implements Closeable {

    private final Journal journal;

    public RunJournal(Journal journal) {
        this.journal = journal;
    }

    public void start(String runId, String goal, String model, String workspace, String createdAt) throws IOException {
        ObjectNode entry = Json.object().put("type", "start").put("run_id", runId).put("goal", goal)
                .put("model", model).put("workspace", workspace).put("created_at", createdAt);
        journal.append(entry);
        journal.commit();
    }

    /** Appends and commits a step: after this returns, the step survives a crash. */
    public void step(int step, List<? extends JsonNode> messages, Tokens usage, String plan) throws IOException {
        ObjectNode entry = Json.object().put("type", "step").put("step", step);
        ArrayNode array = entry.putArray("messages");
        messages.forEach(array::add);
        entry.set("usage", Json.object().put("prompt", usage.prompt()).put("completion", usage.completion()).put("total", usage.total()));
        if (plan != null) {
            entry.put("plan", plan);
        }
        entry.put("ts", Instant.now().toString());
        journal.append(entry);
        journal.commit();
    }

    public void toolMode(String mode) throws IOException {
        journal.append(Json.object().put("type", "tool_mode").put("mode", mode));
        journal.commit();
    }

    public void status(String status, String answer, String message) throws IOException {
        ObjectNode entry = Json.object().put("type", "status").put("status", status);
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
                            String message, String toolMode) {
        public int currentStep() {
            return steps.size();
        }
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
        for (JsonNode entry : entries.subList(1, entries.size())) {
            switch (entry.path("type").asText()) {
                case "step" -> {
                    List<JsonNode> messages = new ArrayList<>();
                    entry.path("messages").forEach(messages::add);
                    steps.add(messages);
                    JsonNode u = entry.path("usage");
                    tokens = tokens.plus(new Tokens(u.path("prompt").asLong(), u.path("completion").asLong(), u.path("total").asLong()));
                    if (entry.hasNonNull("plan")) {
                        plan = entry.get("plan").asText();
                    }
                }
                case "tool_mode" -> toolMode = entry.path("mode").asText();
                case "status" -> {
                    status = entry.path("status").asText();
                    answer = entry.path("answer").asText(null);
                    message = entry.path("message").asText(null);
                }
                default -> {
                    // entries of later formats are skipped, not fatal
                }
            }
        }
        return new Recovered(start.path("run_id").asText(), start.path("goal").asText(), start.path("model").asText(null),
                start.path("workspace").asText(null), start.path("created_at").asText(null), steps, tokens, plan, status,
                answer, message, toolMode);
    }
}
