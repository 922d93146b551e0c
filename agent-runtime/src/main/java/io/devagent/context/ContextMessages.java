package io.devagent.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages a run sends, and what they weigh. The run's steps are kept verbatim (as the journal
 * keeps them); what is sent is the system prompt, the goal, then the steps as the latest
 * {@link Compaction} renders them: a summary of the oldest, placeholders for the older tool outputs,
 * the latest verbatim. Between two compactions, each request extends the previous one byte for
 * byte: the system prompt is fixed until the next compaction, messages are serialised once, and
 * new steps are only appended. That is the prefix a local server can reuse its KV cache for.
 */
public final class ContextMessages {

    private final JsonNode goal;
    private final String goalText;
    /** A follow-up's earlier conversation (the run it carries on), sent before its goal. */
    private final List<JsonNode> earlier = new ArrayList<>();
    private final List<List<JsonNode>> steps = new ArrayList<>();
    private Compaction compaction;
    private JsonNode system;
    private long systemBytes;
    private final List<JsonNode> rendered = new ArrayList<>();
    private long renderedBytes;

    public ContextMessages(String goal, List<List<JsonNode>> steps, Compaction compaction) {
        this(List.of(), goal, steps, compaction);
    }

    public ContextMessages(List<? extends JsonNode> earlier, String goal, List<List<JsonNode>> steps, Compaction compaction) {
        earlier.forEach(message -> this.earlier.add(Json.raw(message)));
        this.goalText = goal;
        this.goal = Json.raw(userMessage(goal));
        steps.forEach(step -> this.steps.add(List.copyOf(step)));
        this.compaction = compaction;
        render();
    }

    /** Whether the system prompt is set for this stretch between compactions. */
    public boolean hasSystem() {
        return system != null;
    }

    /** Sets the system prompt until the next compaction (or a change of tool convention). */
    public void system(ObjectNode message) {
        this.system = Json.raw(message);
        this.systemBytes = size(system);
    }

    /** The system prompt is written again before the next request (after a compaction, or a switch to the text convention). */
    public void resetSystem() {
        this.system = null;
    }

    /** A committed step: appended, never changed. */
    public void addStep(List<? extends JsonNode> messages) {
        List<JsonNode> step = new ArrayList<>(messages.size());
        for (JsonNode message : messages) {
            JsonNode raw = Json.raw(message);
            step.add(message);
            rendered.add(raw);
            renderedBytes += size(raw);
        }
        steps.add(List.copyOf(step));
    }

    /** The messages of the next request: system prompt, goal, history as compacted, then {@code upcoming} (not yet committed). */
    public List<JsonNode> messages(List<? extends JsonNode> upcoming) {
        List<JsonNode> all = new ArrayList<>(rendered.size() + 1 + upcoming.size());
        all.add(system);
        all.addAll(rendered);
        all.addAll(upcoming);
        return all;
    }

    /** The history as the current compaction renders it: the messages after the system prompt, the goal among them. */
    public List<JsonNode> history() {
        return List.copyOf(rendered);
    }

    /** The bytes of {@link #messages} (commas and brackets aside). */
    public long bytes(List<? extends JsonNode> upcoming) {
        long bytes = systemBytes + renderedBytes;
        for (JsonNode message : upcoming) {
            bytes += size(message);
        }
        return bytes;
    }

    /** The bytes the history would take under {@code candidate}, without applying it. */
    long bytesWith(Compaction candidate, List<? extends JsonNode> upcoming) {
        long bytes = systemBytes;
        for (JsonNode message : render(candidate)) {
            bytes += size(message);
        }
        for (JsonNode message : upcoming) {
            bytes += size(message);
        }
        return bytes;
    }

    public void apply(Compaction next) {
        this.compaction = next;
        render();
    }

    public Compaction compaction() {
        return compaction;
    }

    public int stepCount() {
        return steps.size();
    }

    /** Step {@code n} (1-based) as kept. */
    List<JsonNode> step(int n) {
        return steps.get(n - 1);
    }

    String goal() {
        return goalText;
    }

    /** Messages in the request: the system prompt and the goal count as two. */
    public int size() {
        return rendered.size() + 1;
    }

    private void render() {
        rendered.clear();
        rendered.addAll(render(compaction));
        renderedBytes = 0;
        for (JsonNode message : rendered) {
            renderedBytes += size(message);
        }
    }

    private List<JsonNode> render(Compaction c) {
        List<JsonNode> out = new ArrayList<>(earlier);
        out.add(goal);
        if (c.summarizedThrough() > 0) {
            out.add(Json.raw(userMessage(summaryText(c))));
        }
        for (int n = c.summarizedThrough() + 1; n <= steps.size(); n++) {
            List<JsonNode> step = n <= c.elidedThrough() ? Placeholders.compact(n, steps.get(n - 1)) : steps.get(n - 1);
            for (JsonNode message : step) {
                out.add(Json.raw(message));
            }
        }
        return out;
    }

    static String summaryText(Compaction c) {
        StringBuilder text = new StringBuilder("[Summary of steps 1-").append(c.summarizedThrough())
                .append(", written when the context was compacted; call tools again for details]\n").append(c.summary());
        if (c.plan() != null && !c.plan().isBlank()) {
            text.append("\n\nPlan as of step ").append(c.atStep()).append(":\n").append(c.plan());
        }
        return text.toString();
    }

    private static long size(JsonNode message) {
        return Json.write(message).getBytes(StandardCharsets.UTF_8).length;
    }

    public static ObjectNode userMessage(String content) {
        return Json.object().put("role", "user").put("content", content);
    }

    public static ObjectNode toolMessage(String callId, String output) {
        return Json.object().put("role", "tool").put("tool_call_id", callId).put("content", output);
    }
}
