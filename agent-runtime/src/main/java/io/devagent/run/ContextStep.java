package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.devagent.audit.AuditLog;
import io.devagent.context.Budget;
import io.devagent.context.Compaction;
import io.devagent.context.Compactor;
import io.devagent.context.ContextMessages;
import io.devagent.json.Json;
import io.devagent.model.ContextOverflowException;
import io.devagent.model.ContextWindow;
import io.devagent.model.ModelUnavailableException;
import io.devagent.policy.Policy;
import io.devagent.tool.ToolRegistry;
import io.devagent.tool.Workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The context step: what the next request carries, kept inside the model's window. It compacts
 * when the request would pass the budget (journaling the compaction, fsync'd, before the request
 * that uses it), calibrates the token estimate from each reply, and learns the real window from
 * an overflow answer.
 */
final class ContextStep {

    /** The next request, ready to send. */
    record Request(List<JsonNode> messages, ArrayNode tools, long bytes) {
    }

    private final RunState state;
    private final ContextMessages context;
    private final Budget budget;
    private final Compactor compactor;
    private final StepJournal journal;
    private final AuditLog audit;
    private final RunListener listener;
    private final Workspace workspace;
    private final ToolRegistry tools;

    ContextStep(RunState state, ContextMessages context, Budget budget, Compactor compactor, StepJournal journal, AuditLog audit,
                RunListener listener, Workspace workspace, ToolRegistry tools) {
        this.state = state;
        this.context = context;
        this.budget = budget;
        this.compactor = compactor;
        this.journal = journal;
        this.audit = audit;
        this.listener = listener;
        this.workspace = workspace;
        this.tools = tools;
    }

    Request prepare(int attempt, Policy policy) throws IOException, ModelUnavailableException, InterruptedException {
        ArrayNode schemas = toolSchemas(policy);
        if (!context.hasSystem()) {
            context.system(SystemPrompt.of(workspace.root().toString(), policy.network().allowed(), state.textMode, schemas));
        }
        long schemaBytes = state.textMode ? 0 : Json.bytes(schemas).length;
        long bytes = context.bytes(state.notes) + schemaBytes;
        if (budget.window().isPresent() && compactor.needed(bytes)) {
            compact(attempt, policy, schemas, schemaBytes, "budget");
            bytes = context.bytes(state.notes) + schemaBytes;
        }
        return new Request(context.messages(state.notes), state.textMode ? null : schemas, bytes);
    }

    /** Calibrates the token estimate from what the server counted for a request. */
    void replied(Request request, long promptTokens) {
        budget.estimate().calibrate(request.bytes(), promptTokens);
    }

    /**
     * The server said the prompt does not fit: learn the real window, compact, and let the turn ask
     * again. Empty means go on; a value means the run cannot go on in this window.
     */
    Optional<RunEnd> overflowed(int attempt, Policy policy, Request request, ContextOverflowException e)
            throws IOException, ModelUnavailableException, InterruptedException {
        Optional<ContextWindow> known = budget.window();
        int window = e.window().orElseGet(() -> known.map(ContextWindow::tokens)
                .orElse((int) Math.min(Integer.MAX_VALUE, budget.estimate().tokens(request.bytes()) * 9 / 10)));
        ContextWindow learned = new ContextWindow(window, "learned from the server's overflow answer");
        // The prompt that was refused held more tokens than the window: the estimate must say so from now on.
        budget.estimate().atLeast(request.bytes(), window + 1L);
        boolean changed = known.map(w -> w.tokens() != window).orElse(true);
        if (changed) {
            budget.learn(learned);
            journal.budget(window, learned.source(), budget.replyReserve());
        }
        audit.append("error", Json.object().put("step", attempt).put("kind", "context_overflow").put("message", e.getMessage())
                .put("window", window).put("window_learned", changed));
        listener.progress(attempt, state.tokens.total(), "the model's context window is " + window + " tokens (learned from the "
                + "server's overflow answer); compacting");
        if (window < Budget.MIN_WINDOW) {
            return Optional.of(RunEnd.fail("stopped: " + Budget.tooSmall(learned)));
        }
        ArrayNode schemas = toolSchemas(policy);
        if (!compact(attempt, policy, schemas, state.textMode ? 0 : Json.bytes(schemas).length, "overflow")) {
            return Optional.of(RunEnd.fail("stopped: the request does not fit the model's context window of " + window
                    + " tokens, and nothing more can be compacted; load the model with a larger context"));
        }
        return Optional.empty();
    }

    /** The context window in force at the start or resume: journaled when it is new to the run. */
    void record(Optional<JsonNode> recorded) throws IOException {
        Optional<ContextWindow> window = budget.window();
        if (window.isEmpty()) {
            return;
        }
        boolean same = recorded.map(r -> r.path("window").asInt() == window.get().tokens()
                && r.path("source").asText().equals(window.get().source())).orElse(false);
        if (!same) {
            journal.budget(window.get().tokens(), window.get().source(), budget.replyReserve());
        }
    }

    private boolean compact(int attempt, Policy policy, ArrayNode schemas, long schemaBytes, String trigger)
            throws IOException, ModelUnavailableException, InterruptedException {
        listener.progress(attempt, state.tokens.total(), "compacting the context");
        long started = System.nanoTime();
        long journalBefore = journal.bytes();
        Optional<Compaction> made = compactor.compact(context, state.notes, schemaBytes, state.plan, trigger);
        if (made.isEmpty()) {
            return false;
        }
        Compaction compaction = made.get();
        journal.compaction(compaction.toJson());
        context.apply(compaction);
        context.resetSystem();
        context.system(SystemPrompt.of(workspace.root().toString(), policy.network().allowed(), state.textMode, schemas));
        long millis = (System.nanoTime() - started) / 1_000_000;
        int window = budget.window().map(ContextWindow::tokens).orElse(0);
        audit.append("compaction", Json.object().put("step", attempt).put("trigger", trigger).put("window", window)
                .put("elided_through", compaction.elidedThrough()).put("summarized_through", compaction.summarizedThrough())
                .put("tokens_before", compaction.tokensBefore()).put("tokens_after", compaction.tokensAfter())
                .put("journal_bytes", journal.bytes() - journalBefore).put("duration_ms", millis)
                .put("summary_bytes", compaction.summary() == null ? 0 : compaction.summary().getBytes(StandardCharsets.UTF_8).length));
        listener.progress(attempt, state.tokens.total(), "context compacted: about " + compaction.tokensBefore() + " → "
                + compaction.tokensAfter() + " tokens of a " + window + "-token window");
        return true;
    }

    /** The tools offered, in a fixed order (the registry's, then update_plan): a stable prefix for the server's cache. */
    ArrayNode toolSchemas(Policy policy) {
        ArrayNode schemas = Json.array();
        for (JsonNode schema : tools.schemas()) {
            if (policy.allowsTool(schema.path("function").path("name").asText())) {
                schemas.add(schema);
            }
        }
        schemas.add(PlanTool.schema());
        return schemas;
    }

    /** The text convention from now on: the system prompt that describes it is written before the next request. */
    void switchedToText() {
        context.resetSystem();
    }

    Optional<ContextWindow> window() {
        return budget.window();
    }

    /** The bytes one tool output may take in this window. */
    int toolOutputBytes(Policy policy) {
        return budget.toolOutputBytes(policy.limits().maxToolOutputBytes());
    }
}
