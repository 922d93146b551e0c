package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.context.Budget;
import io.devagent.context.Compaction;
import io.devagent.context.ContextMessages;
import io.devagent.context.TokenEstimate;
import io.devagent.json.Json;
import io.devagent.model.ContextWindow;

import java.util.List;
import java.util.Optional;

/**
 * What a follow-up run ({@code agent run --continue ID "FOLLOW-UP"}) carries on: the conversation of
 * run ID as its journal holds it (already redacted): its own earlier context, its goal, and every
 * committed step's messages. Only a finished run is continued; an unfinished one is resumed instead.
 *
 * <p>The follow-up's compactions act on its own steps only, so what it carries is bounded when it
 * starts, to a share of the model's window: the whole conversation when it fits; else as its last
 * request showed it, with every tool output but the last step's replaced by a placeholder; else its
 * goal and its answer. It is journaled with the follow-up's start, so resume and replay send the same bytes.
 */
record FollowUp(String runId, List<JsonNode> history) {

    static final FollowUp NONE = new FollowUp(null, List.of());

    /** The share of the prompt budget the earlier conversation may take: the rest is the follow-up's room. */
    private static final double CARRIED_SHARE = 0.25;
    /** A server that tells no window: as if it had this many tokens. */
    private static final int UNKNOWN_WINDOW_TOKENS = 32_768;
    /** The most of the earlier answer kept when nothing else fits. */
    private static final int ANSWER_CHARS = 4_000;

    /** Run {@code runId} as its journal tells it, if it can be continued (it exists and has finished). */
    static RunJournal.Recovered finished(Checkpoints checkpoints, String runId) throws RunException {
        if (!RunIds.valid(runId) || !checkpoints.exists(runId)) {
            throw new RunException("no run with id '" + runId + "' to continue");
        }
        RunJournal.Recovered earlier;
        try {
            earlier = RunJournal.recover(checkpoints.entries(runId));
        } catch (CheckpointException e) {
            throw new RunException("run " + runId + " cannot be continued: " + e.getMessage());
        }
        if (!Snapshot.SUCCEEDED.equals(earlier.status()) && !Snapshot.FAILED.equals(earlier.status())) {
            throw new RunException("run " + runId + " has not finished (it is " + earlier.status()
                    + "); continue it with: agent checkpoints resume " + runId);
        }
        return earlier;
    }

    /** What the follow-up of {@code earlier} carries, for a model with {@code window}. */
    static FollowUp of(RunJournal.Recovered earlier, Optional<ContextWindow> window) {
        return new FollowUp(earlier.runId(), carried(earlier, carriedBytes(window)));
    }

    /** The bytes the earlier conversation may take, counted as cautiously as a first request is. */
    static long carriedBytes(Optional<ContextWindow> window) {
        Budget budget = new Budget(window.or(() -> Optional.of(new ContextWindow(UNKNOWN_WINDOW_TOKENS, "assumed"))));
        return (long) (budget.promptBudget() * CARRIED_SHARE / TokenEstimate.CAUTIOUS_TOKENS_PER_BYTE);
    }

    static List<JsonNode> carried(RunJournal.Recovered earlier, long maxBytes) {
        int steps = earlier.steps().size();
        Compaction last = earlier.compaction() == null ? Compaction.NONE : Compaction.fromJson(earlier.compaction());
        Compaction outputsElided = new Compaction(steps, Math.max(last.elidedThrough(), steps - 1), last.summarizedThrough(),
                last.summary(), last.plan(), last.window(), 0, 0, "follow-up");
        // Rendered as a request renders a run's history: whole first, then as its last request showed it, tool outputs elided.
        for (Compaction shown : List.of(Compaction.NONE, outputsElided)) {
            ContextMessages conversation = new ContextMessages(earlier.history(), earlier.goal(), earlier.steps(), shown);
            if (conversation.bytes(List.of()) <= maxBytes) {
                return conversation.history();
            }
        }
        String answer = Optional.ofNullable(earlier.answer()).orElse(Optional.ofNullable(earlier.message()).orElse(""));
        if (answer.length() > ANSWER_CHARS) {
            answer = answer.substring(0, ANSWER_CHARS) + " [...]";
        }
        return List.of(ContextMessages.userMessage(earlier.goal()),
                ContextMessages.userMessage("[The run that answered this goal (" + earlier.runId() + ") took " + steps
                        + " steps; its calls and their results are left out here to fit the model's context window. "
                        + "Call tools again for details.]"),
                Json.object().put("role", "assistant").put("content", answer));
    }
}
