package io.devagent.run;

import io.devagent.audit.AuditLog;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.model.Tokens;
import io.devagent.context.ContextMessages;
import io.devagent.json.Json;
import io.devagent.metrics.Metrics;
import io.devagent.model.ChatModel;
import io.devagent.model.ContextOverflowException;
import io.devagent.model.MalformedReplyException;
import io.devagent.model.ModelReply;
import io.devagent.model.ModelRequestException;
import io.devagent.model.ModelSettings.ToolMode;
import io.devagent.model.ModelUnavailableException;
import io.devagent.policy.Policy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The model turn: one request, and what came of it. A reply goes on to the tool calls; a reply the
 * run could not read is told to the model and the turn is taken again; a prompt over the window is
 * compacted and asked again; an unreachable model or a pause stops the run where it is.
 */
final class ModelTurn {

    /** At most this many overflow answers in a row for one step: then the run stops instead of looping. */
    private static final int MAX_OVERFLOWS = 3;

    /** What a turn came to. */
    sealed interface Turn {
        record Replied(ModelReply reply) implements Turn {
        }

        /** Nothing to run: the turn is taken again (after a compaction, a switch of tool convention, or an unreadable reply). */
        record Again() implements Turn {
        }

        record Ended(RunEnd end) implements Turn {
        }
    }

    private final RunState state;
    private final ContextStep context;
    private final ChatModel client;
    private final StepJournal journal;
    private final AuditLog audit;
    private final Metrics metrics;
    private final RunControl control;
    private final RunListener listener;
    private final RunRecorder recorder;
    private int overflows;

    ModelTurn(RunState state, ContextStep context, ChatModel client, StepJournal journal, AuditLog audit, Metrics metrics,
              RunControl control, RunListener listener, RunRecorder recorder) {
        this.state = state;
        this.context = context;
        this.client = client;
        this.journal = journal;
        this.audit = audit;
        this.metrics = metrics;
        this.control = control;
        this.listener = listener;
        this.recorder = recorder;
    }

    Turn ask(int attempt, Policy policy) throws IOException, CheckpointException {
        ContextStep.Request request = null;
        control.enterModelRequest();
        try {
            request = context.prepare(attempt, policy);
            audit.append("model_request", Json.object().put("step", attempt).put("model", state.model)
                    .put("messages", request.messages().size()).put("tool_mode", state.textMode ? "text" : "native")
                    .put("prompt_bytes", request.bytes()));
            listener.progress(attempt, state.tokens.total(), "waiting for the model");
            ModelReply reply = client.chat(state.model, request.messages(), request.tools());
            context.replied(request, reply.usage().prompt());
            overflows = 0;
            journal.reply(attempt, reply.assistantMessage(), reply.usage(), reply.textConvention(), request.bytes());
            return new Turn.Replied(reply);
        } catch (InterruptedException e) {
            return new Turn.Ended(RunEnd.pause(control.reason(), false));
        } catch (ModelUnavailableException e) {
            metrics.recordError("model_unreachable");
            audit.append("error", Json.object().put("step", attempt).put("kind", "model_unreachable").put("message", e.getMessage()));
            return new Turn.Ended(RunEnd.pause(e.getMessage(), true));
        } catch (ContextOverflowException e) {
            metrics.recordError("context_overflow");
            if (++overflows > MAX_OVERFLOWS) {
                return new Turn.Ended(RunEnd.fail("stopped: the model's server refused " + MAX_OVERFLOWS
                        + " requests in a row as over its context window (" + e.getMessage() + ")"));
            }
            return overflowed(attempt, policy, request, e);
        } catch (ModelRequestException e) {
            metrics.recordError("model_rejected");
            if (e.aboutTools() && !state.textMode && client.settings().toolMode() == ToolMode.AUTO) {
                // The server rejects native tools: carry them in the text convention from now on.
                state.textMode = true;
                journal.toolMode("text");
                context.switchedToText();
                audit.append("error", Json.object().put("step", attempt).put("kind", "tools_rejected")
                        .put("message", e.getMessage() + "; switching to the text convention for tool calls"));
                return new Turn.Again();
            }
            audit.append("error", Json.object().put("step", attempt).put("kind", "model_rejected").put("message", e.getMessage()));
            return new Turn.Ended(RunEnd.fail(e.getMessage()));
        } catch (MalformedReplyException e) {
            metrics.recordError("malformed_reply");
            audit.append("error", Json.object().put("step", attempt).put("kind", "malformed_reply").put("message", e.getMessage()));
            recorder.commit(new ArrayList<>(List.of(ContextMessages.userMessage("error: your last reply could not be read ("
                    + e.getMessage() + "). Reply again: either call a tool or give your final answer."))), Tokens.ZERO, null, null);
            return new Turn.Again();
        } finally {
            control.leaveModelRequest();
        }
    }

    private Turn overflowed(int attempt, Policy policy, ContextStep.Request request, ContextOverflowException e) throws IOException {
        if (request == null) {
            // The summary request of a compaction overflowed past its retries: the compactor fell back already; nothing to learn here.
            return new Turn.Ended(RunEnd.fail("stopped: " + e.getMessage()));
        }
        try {
            Optional<RunEnd> end = context.overflowed(attempt, policy, request, e);
            return end.<Turn>map(Turn.Ended::new).orElseGet(Turn.Again::new);
        } catch (InterruptedException interrupted) {
            return new Turn.Ended(RunEnd.pause(control.reason(), false));
        } catch (ModelUnavailableException unavailable) {
            return new Turn.Ended(RunEnd.pause(unavailable.getMessage(), true));
        }
    }
}
