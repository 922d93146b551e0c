package io.devagent.context;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.model.ChatModel;
import io.devagent.model.ContextOverflowException;
import io.devagent.model.MalformedReplyException;
import io.devagent.model.ModelReply;
import io.devagent.model.ModelRequestException;
import io.devagent.model.ModelUnavailableException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether the next request needs a compaction, and works it out: first placeholders for
 * older tool outputs (the latest steps stay verbatim), and when that is not enough, a summary of
 * the older steps written by the model. It aims well under the budget, so that compactions come in
 * batches and the requests between them share their prefix. When only a summary would reach that
 * aim, placeholders alone are taken as long as they stay under a looser bar: a summary rewrites all
 * that follows the goal, placeholders only what follows the earlier ones. It returns the
 * compaction; the caller journals it before using it.
 */
public final class Compactor {

    /** How many of the latest steps stay verbatim, tried in this order; the newest is always kept. */
    private static final int[] KEEP_VERBATIM = {4, 2, 1};
    private static final int SUMMARY_ATTEMPTS = 3;
    private static final double SUMMARY_SHARE = 0.12;
    private static final int RESULT_EXCERPT = 600;
    static final String SUMMARY_PROMPT = "You compact the history of an autonomous software-development agent's run so that it "
            + "fits the model's context window. Write a concise summary, at most 250 words, of the steps you are given: what "
            + "was done, what was found (file names, facts, decisions, errors) and what remains to do for the goal. Keep paths, "
            + "names and numbers exact. Reply with the summary only, and call no tool.";

    private final Budget budget;
    private final ChatModel model;
    private final String modelName;

    public Compactor(Budget budget, ChatModel model, String modelName) {
        this.budget = budget;
        this.model = model;
        this.modelName = modelName;
    }

    /** Whether a request of this many bytes passes the prompt budget. */
    public boolean needed(long promptBytes) {
        return !budget.fits(promptBytes);
    }

    /**
     * The compaction that brings the next request (the context, {@code upcoming} messages and
     * {@code extraBytes} of tool schemas) down to the target, or empty when nothing can be made
     * smaller. A summary request that fails is retried with less input, then replaced by a plain
     * list of the calls made: it never loops.
     */
    public Optional<Compaction> compact(ContextMessages context, List<? extends JsonNode> upcoming, long extraBytes, String plan,
                                        String trigger) throws ModelUnavailableException, InterruptedException {
        Compaction current = context.compaction();
        int steps = context.stepCount();
        long before = tokens(context.bytes(upcoming) + extraBytes);
        long target = budget.targetTokens();
        int window = budget.window().map(w -> w.tokens()).orElse(0);
        Compaction best = null;
        for (int keep : KEEP_VERBATIM) {
            int elide = Math.max(current.elidedThrough(), steps - keep);
            Compaction candidate = new Compaction(steps, elide, current.summarizedThrough(), current.summary(), current.plan(),
                    window, before, 0, trigger);
            long after = tokens(context.bytesWith(candidate, upcoming) + extraBytes);
            best = with(candidate, after);
            if (after <= target) {
                return changed(current, best);
            }
        }
        // The target needs a summary. Placeholders alone (the newest step verbatim) will do while they leave room to grow
        // and the steps not yet summarized still fit one summary request: the request keeps its prefix up to the earlier
        // placeholders, and no model request is spent.
        long unsummarized = transcriptBytes(context, current.summarizedThrough() + 1, best.elidedThrough());
        if (best.tokensAfter() <= budget.placeholderTokens() && unsummarized <= budget.summaryInputBytes() * 3 / 4
                && changed(current, best).isPresent()) {
            return Optional.of(best);
        }
        long summaryBytes = budget.estimate().bytes((long) (budget.promptBudget() * SUMMARY_SHARE));
        for (int keep : KEEP_VERBATIM) {
            int through = steps - keep;
            if (through <= current.summarizedThrough()) {
                continue;
            }
            Compaction sized = new Compaction(steps, Math.max(current.elidedThrough(), through), through,
                    "x".repeat((int) Math.min(summaryBytes, 1 << 20)), plan, window, before, 0, trigger);
            boolean last = keep == KEEP_VERBATIM[KEEP_VERBATIM.length - 1];
            if (tokens(context.bytesWith(sized, upcoming) + extraBytes) <= target || last) {
                String summary = summarize(context, current, through, summaryBytes);
                Compaction candidate = new Compaction(steps, sized.elidedThrough(), through, summary, plan, window, before, 0, trigger);
                return changed(current, with(candidate, tokens(context.bytesWith(candidate, upcoming) + extraBytes)));
            }
        }
        return changed(current, best);
    }

    private long tokens(long bytes) {
        return budget.estimate().tokens(bytes);
    }

    private static Compaction with(Compaction c, long after) {
        return new Compaction(c.atStep(), c.elidedThrough(), c.summarizedThrough(), c.summary(), c.plan(), c.window(),
                c.tokensBefore(), after, c.trigger());
    }

    private static Optional<Compaction> changed(Compaction current, Compaction next) {
        if (next == null || next.elidedThrough() == current.elidedThrough() && next.summarizedThrough() == current.summarizedThrough()) {
            return Optional.empty();
        }
        return Optional.of(next);
    }

    /** The model's summary of steps up to {@code through}, folding in the previous summary. */
    private String summarize(ContextMessages context, Compaction current, int through, long maxBytes)
            throws ModelUnavailableException, InterruptedException {
        int from = current.summarizedThrough() + 1;
        List<String> lines = transcript(context, from, through);
        long inputBudget = budget.summaryInputBytes();
        for (int attempt = 0; attempt < SUMMARY_ATTEMPTS; attempt++) {
            String input = input(context.goal(), current.summary(), lines, inputBudget);
            List<JsonNode> messages = List.of(Json.object().put("role", "system").put("content", SUMMARY_PROMPT),
                    ContextMessages.userMessage(input));
            try {
                ModelReply reply = model.summarize(modelName, messages);
                String text = reply.content() == null ? "" : reply.content().strip();
                if (!text.isEmpty()) {
                    return cut(text, maxBytes);
                }
                break;
            } catch (ContextOverflowException e) {
                inputBudget /= 2; // too long even so: the oldest lines go first, and the next try is smaller still
            } catch (ModelRequestException | MalformedReplyException e) {
                break;
            }
        }
        return cut(plainSummary(context, current, from, through), maxBytes);
    }

    /** The steps as lines of text, oldest first, each tool output cut to an excerpt. */
    private static List<String> transcript(ContextMessages context, int from, int through) {
        List<String> lines = new ArrayList<>();
        for (int n = from; n <= through; n++) {
            for (JsonNode message : context.step(n)) {
                String role = message.path("role").asText();
                String content = message.path("content").asText("");
                if (role.equals("assistant")) {
                    StringBuilder line = new StringBuilder("[step ").append(n).append("] agent:");
                    if (!content.isBlank()) {
                        line.append(' ').append(excerpt(content));
                    }
                    for (JsonNode call : message.path("tool_calls")) {
                        line.append(" calls ").append(Placeholders.describe(call.path("function")));
                    }
                    lines.add(line.toString());
                } else if (role.equals("tool") || role.equals("user")) {
                    lines.add("[step " + n + "] " + (role.equals("tool") ? "result" : "note") + ": " + excerpt(content));
                }
            }
        }
        return lines;
    }

    private static long transcriptBytes(ContextMessages context, int from, int through) {
        long bytes = 0;
        for (String line : transcript(context, from, through)) {
            bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return bytes;
    }

    private static String input(String goal, String previous, List<String> lines, long maxBytes) {
        StringBuilder head = new StringBuilder("Goal: ").append(goal).append("\n\n");
        if (previous != null) {
            head.append("Summary of the steps before these:\n").append(previous).append("\n\n");
        }
        head.append("Steps:\n");
        List<String> kept = new ArrayList<>();
        long bytes = head.length();
        // The newest lines matter most: keep from the end until the input is full.
        for (int i = lines.size() - 1; i >= 0; i--) {
            long size = lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            kept.addFirst(lines.get(i));
        }
        return head + String.join("\n", kept);
    }

    /** When the model cannot write the summary: the calls made, counted, so that the model at least knows what was tried. */
    private static String plainSummary(ContextMessages context, Compaction current, int from, int through) {
        Map<String, Integer> calls = new LinkedHashMap<>();
        for (int n = from; n <= through; n++) {
            for (JsonNode message : context.step(n)) {
                for (JsonNode call : message.path("tool_calls")) {
                    calls.merge(Placeholders.describe(call.path("function")), 1, Integer::sum);
                }
            }
        }
        StringBuilder text = new StringBuilder();
        if (current.summary() != null) {
            text.append(current.summary()).append('\n');
        }
        text.append("Steps ").append(from).append('-').append(through).append(" made these calls:");
        calls.forEach((call, times) -> text.append("\n- ").append(call).append(times > 1 ? " ×" + times : ""));
        return text.toString();
    }

    private static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() > RESULT_EXCERPT ? oneLine.substring(0, RESULT_EXCERPT) + "…" : oneLine;
    }

    private static String cut(String text, long maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= maxBytes ? text : io.devagent.tool.OutputCap.decodePrefix(bytes, (int) maxBytes) + " […]";
    }
}
