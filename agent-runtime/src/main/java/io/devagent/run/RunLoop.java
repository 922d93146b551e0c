package io.devagent.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.approval.ApprovalGate;
import io.devagent.approval.AwaitingApproval;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.checkpoint.SnapshotWriter;
import io.devagent.context.Budget;
import io.devagent.context.Compaction;
import io.devagent.context.Compactor;
import io.devagent.context.ContextMessages;
import io.devagent.model.Tokens;
import io.devagent.json.Json;
import io.devagent.metrics.Metrics;
import io.devagent.model.ChatModel;
import io.devagent.model.ContextWindow;
import io.devagent.model.ModelReply;
import io.devagent.model.ModelSettings.ToolMode;
import io.devagent.policy.Policy;
import io.devagent.review.Reviewer;
import io.devagent.review.Verdict;
import io.devagent.tool.ToolRegistry;
import io.devagent.tool.Workspace;
import io.devagent.workspace.WorkspaceRecorder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One execution of a run, step after step: goal → context ({@link ContextStep}: budget,
 * compaction) → model turn ({@link ModelTurn}) → tool calls ({@link ToolCalls}: decide, intent,
 * execute, outcome) → review → commit ({@link RunRecorder}), until the model answers without a
 * tool call, a limit is hit, or a pause is asked. Each step is exactly one model request (a
 * compaction's summary aside), and it counts only once its journal entry is committed.
 *
 * <p>Side effects happen exactly once: a side-effecting call journals an intent just before its
 * effect and its outcome just after, both fsync'd. On resume, the reply of the step in progress is
 * taken from the journal rather than asked again.
 */
final class RunLoop {

    private final RunState state;
    private final RunJournal.Recovered recovered;
    private final StepJournal journal;
    private final AuditLog audit;
    private final Workspace workspace;
    private final Metrics metrics;
    private final AgentConfig config;
    private final RunControl control;
    private final RunListener listener;
    private final Reviewer reviewer;
    private final ChatModel client;
    private final ContextStep context;
    private final ModelTurn turn;
    private final ToolCalls calls;
    private final RunRecorder recorder;
    /** The step that was in progress when the run last stopped, taken up again once. */
    private RunJournal.Pending pending;

    RunLoop(RunJournal.Recovered run, RunJournal journal, AuditLog audit, SnapshotWriter snapshots, Workspace workspace,
            ChatModel client, ToolRegistry tools, Metrics metrics, AgentConfig config, Redactor redactor, RunControl control,
            RunListener listener, Optional<ContextWindow> window, ApprovalGate approvals, WorkspaceRecorder changes) {
        String model = client.settings().model().orElse(run.model());
        this.state = new RunState(run, model, client.settings().toolMode() == ToolMode.TEXT || "text".equals(run.toolMode()));
        this.recovered = run;
        this.journal = new StepJournal(journal, redactor, CrashPoints.from(config.env()));
        this.audit = audit;
        this.workspace = workspace;
        this.metrics = metrics;
        this.config = config;
        this.control = control;
        this.listener = listener;
        this.client = client;
        this.reviewer = new Reviewer(workspace);
        this.pending = run.pending();
        Compaction compaction = run.compaction() == null ? Compaction.NONE : Compaction.fromJson(run.compaction());
        ContextMessages messages = new ContextMessages(run.history(), run.goal(), run.steps(), compaction);
        Budget budget = new Budget(window);
        // The estimate as the last reply calibrated it: a resume compacts exactly where the first run would have.
        for (com.fasterxml.jackson.databind.JsonNode reply : run.replies()) {
            budget.estimate().calibrate(reply.path("prompt_bytes").asLong(), reply.path("usage").path("prompt").asLong());
        }
        this.context = new ContextStep(state, messages, budget, new Compactor(budget, client, model), this.journal, audit, listener,
                workspace, tools);
        this.recorder = new RunRecorder(state, this.journal, audit, snapshots, metrics, config, redactor, listener, workspace, messages, changes, control);
        this.turn = new ModelTurn(state, context, client, this.journal, audit, metrics, control, listener, recorder);
        RepeatGuard repeats = new RepeatGuard();
        repeats.replay(run.steps());
        this.calls = new ToolCalls(state, this.journal, audit, metrics, config, listener, workspace, tools, context, repeats, approvals, changes);
    }

    RunResult run(boolean resumed) throws RunException, InterruptedException {
        try {
            begin(resumed);
        } catch (IOException | CheckpointException e) {
            throw new RunException("cannot write the run's checkpoint: " + e.getMessage());
        }
        listener.started(state.runId, resumed);
        try {
            if (recovered.finalAnswer() != null) {
                return recorder.finish(Snapshot.SUCCEEDED, recovered.finalAnswer(), null);
            }
            return loop();
        } catch (AwaitingApproval wait) {
            try {
                return recorder.awaitApproval(wait);
            } catch (IOException | CheckpointException e) {
                throw new RunException("cannot checkpoint the run as awaiting approval: " + e.getMessage());
            }
        } catch (IOException | CheckpointException e) {
            // Every committed step is in the journal; the run stops rather than go on unsaved.
            metrics.recordError("checkpoint_failed");
            String message = "stopped: cannot write the checkpoint (" + e.getMessage()
                    + "); the last committed step (" + state.step + ") is intact and the run can be resumed";
            try {
                recorder.finish(Snapshot.FAILED, null, message);
            } catch (IOException | CheckpointException ignored) {
                // the disk refuses even the failure record: the journal stays as it was, resumable
            }
            return recorder.result(Snapshot.FAILED, null, message, false);
        }
    }

    private void begin(boolean resumed) throws IOException, CheckpointException {
        Policy policy = config.policy().get();
        ObjectNode event = Json.object().put("goal", state.goal).put("model", state.model)
                .put("workspace", workspace.root().toString()).put("current_step", state.step)
                .put("step_in_progress", pending != null)
                .put("policy", policy.version())
                .put("policy_network", policy.network().allowed())
                .put("continued_from", state.continuedFrom);
        context.window().ifPresent(w -> event.put("context_window", w.tokens()).put("context_window_source", w.source()));
        audit.append(resumed ? "run_resumed" : "run_started", event);
        context.record(Optional.ofNullable(recovered.budget()));
        if (resumed) {
            journal.status(Snapshot.RUNNING, null, "resumed at step " + state.step);
            // The last committed step is validated again: the workspace may have changed while the run was stopped.
            Verdict verdict = reviewer.review(policy, List.of(), state.writtenFiles);
            audit.append("review", verdict.toJson().put("step", state.step).put("on_resume", true));
            if (!verdict.ok()) {
                state.notes.add(ContextMessages.userMessage(verdict.noteForModel()));
            }
        }
        recorder.saveSnapshot(Snapshot.RUNNING, null, null);
        audit.sync();
    }

    private RunResult loop() throws IOException, CheckpointException, InterruptedException {
        while (true) {
            Policy policy = config.policy().get();
            Optional<RunEnd> stop = limits(policy);
            if (stop.isPresent()) {
                return recorder.end(stop.get());
            }
            int attempt = state.step + 1;
            ModelReply reply;
            RunJournal.Pending inProgress = pending;
            if (inProgress != null) {
                // The reply was journaled before the run stopped: the model is not asked again.
                reply = ModelReply.fromAssistantMessage(inProgress.message(), inProgress.usage(), inProgress.textConvention());
            } else {
                ModelTurn.Turn asked = turn.ask(attempt, policy);
                if (asked instanceof ModelTurn.Turn.Ended ended) {
                    return recorder.end(ended.end());
                }
                if (!(asked instanceof ModelTurn.Turn.Replied replied)) {
                    continue;
                }
                reply = replied.reply();
            }
            state.tokens = state.tokens.plus(reply.usage());
            metrics.recordTokens(state.runId, reply.usage(), state.tokens); // the run's total: counted once across a crash
            audit.append("model_response", responseEvent(attempt, reply, inProgress != null));

            List<ObjectNode> added = new ArrayList<>();
            added.add(reply.assistantMessage());
            if (reply.toolCalls().isEmpty()) {
                String answer = reply.content() == null ? "" : reply.content().strip();
                recorder.commit(added, reply.usage(), null, answer);
                pending = null;
                return recorder.finish(Snapshot.SUCCEEDED, answer, null);
            }
            ToolCalls.Results results = calls.run(attempt, reply, inProgress);
            added.addAll(results.messages());
            Verdict verdict = review(policy, results.toolsRun(), added);
            recorder.commit(added, reply.usage(), verdict, null);
            pending = null;
            if (!verdict.ok()) {
                state.notes.add(ContextMessages.userMessage(verdict.noteForModel()));
            }
            if (results.end().isPresent()) {
                return recorder.end(results.end().get());
            }
        }
    }

    /** A pause asked for, or a limit reached: the run stops before the next request. */
    private Optional<RunEnd> limits(Policy policy) {
        if (control.pauseRequested()) {
            return Optional.of(RunEnd.pause(control.reason(), false));
        }
        if (state.step >= policy.limits().maxSteps()) {
            return Optional.of(RunEnd.fail("stopped: the step limit (limits.maxSteps = " + policy.limits().maxSteps() + ") was reached"));
        }
        if (state.tokens.total() >= policy.limits().maxTokens()) {
            return Optional.of(RunEnd.fail("stopped: the token limit (limits.maxTokens = " + policy.limits().maxTokens() + ") was reached"));
        }
        return Optional.empty();
    }

    /** The reviewer's verdict on the step about to be committed. */
    private Verdict review(Policy policy, List<String> toolsRun, List<ObjectNode> added) throws IOException {
        Verdict verdict = reviewer.review(policy, toolsRun, state.writtenFiles);
        if (policy.review().model()) {
            try {
                ContextStep.Request request = context.prepare(state.step + 1, policy);
                List<com.fasterxml.jackson.databind.JsonNode> view = new ArrayList<>(request.messages());
                view.addAll(added);
                verdict = reviewer.askModel(verdict, client, state.model, view);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // a pause: the rule verdict stands, the loop pauses next
            } catch (io.devagent.model.ModelUnavailableException e) {
                // the rule verdict stands; the next model turn reports the unreachable model
            }
        }
        audit.append("review", verdict.toJson().put("step", state.step + 1));
        return verdict;
    }

    private static ObjectNode responseEvent(int attempt, ModelReply reply, boolean fromJournal) {
        ObjectNode event = Json.object().put("step", attempt).put("latency_ms", reply.latencyMillis());
        if (reply.content() != null) {
            event.put("content", reply.content());
        }
        var calls = event.putArray("tool_calls");
        reply.toolCalls().forEach(c -> calls.addObject().put("id", c.id()).put("name", c.name()));
        event.set("usage", Json.object().put("prompt", reply.usage().prompt()).put("completion", reply.usage().completion())
                .put("total", reply.usage().total()));
        if (reply.textConvention()) {
            event.put("text_convention", true);
        }
        if (fromJournal) {
            event.put("from_journal", true);
        }
        return event;
    }
}
