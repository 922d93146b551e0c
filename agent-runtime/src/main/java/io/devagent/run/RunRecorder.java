package io.devagent.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.approval.AwaitingApproval;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.Snapshot;
import io.devagent.model.Tokens;
import io.devagent.checkpoint.SnapshotWriter;
import io.devagent.context.ContextMessages;
import io.devagent.json.Json;
import io.devagent.metrics.Metrics;
import io.devagent.review.Verdict;
import io.devagent.tool.Workspace;
import io.devagent.workspace.WorkspaceRecorder;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The commit step and the run's ends: a step is journaled (fsync'd, with the audit lines so far),
 * then the snapshot, metrics and progress follow; a pause or a finish is journaled and audited at once.
 */
final class RunRecorder {

    private static final long PID = ProcessHandle.current().pid();

    private final RunState state;
    private final StepJournal journal;
    private final AuditLog audit;
    private final SnapshotWriter snapshots;
    private final Metrics metrics;
    private final AgentConfig config;
    private final Redactor redactor;
    private final RunListener listener;
    private final Workspace workspace;
    private final ContextMessages context;
    private final WorkspaceRecorder changes;
    private final RunControl control;
    /** Who paused the run (a person, the runtime's shutdown, the model's absence), for the snapshot. */
    private String pausedBy;

    RunRecorder(RunState state, StepJournal journal, AuditLog audit, SnapshotWriter snapshots, Metrics metrics, AgentConfig config,
                Redactor redactor, RunListener listener, Workspace workspace, ContextMessages context,
                WorkspaceRecorder changes, RunControl control) {
        this.control = control;
        this.changes = changes;
        this.state = state;
        this.journal = journal;
        this.audit = audit;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.config = config;
        this.redactor = redactor;
        this.listener = listener;
        this.workspace = workspace;
        this.context = context;
    }

    /** Commits a step: the notes sent with it, then its messages. {@code answer} marks the final step. */
    void commit(List<ObjectNode> messages, Tokens usage, Verdict verdict, String answer) throws IOException, CheckpointException {
        int committed = state.step + 1;
        List<ObjectNode> all = new ArrayList<>(state.notes);
        all.addAll(messages);
        // The step's audit lines so far become durable with the step, in one shared fsync.
        journal.step(committed, all, usage, state.plan, verdict == null ? null : verdict.toJson(), state.stepFiles, answer, audit::sync);
        state.step = committed;
        changes.stepCommitted(committed); // a step with side effects: its workspace snapshot, taken behind the run
        // What is sent again is what was kept: the redacted messages, so that a resume sends the same bytes.
        context.addStep(all.stream().map(redactor::redact).toList());
        state.notes.clear();
        state.stepFiles.clear();
        // The snapshot and metrics.json are views of the journal: written behind the run, not waited for.
        snapshots.soon(snapshot(Snapshot.RUNNING, null, null));
        journal.afterSnapshot();
        // Durable with the next step's commit, or the run's end: a crash before that loses this line, never the step.
        audit.append("checkpoint", Json.object().put("step", state.step).put("journal_bytes", journal.bytes())
                .put("tokens", state.tokens.total()));
        metrics.flushSoon(config.state().metricsFile());
        listener.progress(state.step, state.tokens.total(), "step " + state.step + " saved");
    }

    RunResult pause(String why, boolean modelUnavailable) throws IOException, CheckpointException {
        if (control.cancelRequested()) {
            return finish(Snapshot.CANCELLED, null, why); // a cancel stops the run where a pause would, and ends it
        }
        pausedBy = modelUnavailable ? Snapshot.BY_MODEL : control.pausedBy();
        journal.status(Snapshot.PAUSED, null, why, pausedBy);
        // The audit's last line is written before the snapshot tells readers (agent logs --follow) that the run stopped.
        audit.append("run_paused", Json.object().put("current_step", state.step).put("reason", why));
        audit.sync();
        saveSnapshot(Snapshot.PAUSED, null, why);
        metrics.flush(config.state().metricsFile());
        return result(Snapshot.PAUSED, null, why, modelUnavailable);
    }

    RunResult finish(String status, String answer, String message) throws IOException, CheckpointException {
        journal.status(status, answer, message);
        ObjectNode event = Json.object().put("status", status).put("steps", state.step).put("tokens", state.tokens.total());
        if (answer != null) {
            event.put("answer", answer);
        }
        if (message != null) {
            event.put("message", message);
        }
        audit.append(Snapshot.CANCELLED.equals(status) ? "run_cancelled" : "run_finished", event);
        audit.sync();
        saveSnapshot(status, answer, message);
        metrics.flush(config.state().metricsFile());
        return result(status, answer, message, false);
    }

    /** How a step ended the run, carried out. */
    RunResult end(RunEnd end) throws IOException, CheckpointException {
        return end.paused() ? pause(end.message(), end.modelUnavailable()) : finish(Snapshot.FAILED, null, end.message());
    }

    RunResult result(String status, String answer, String message, boolean modelUnavailable) {
        return new RunResult(state.runId, status, redactor.redact(answer), state.step, state.tokens, redactor.redact(message),
                modelUnavailable);
    }

    /** Writes the snapshot now: a change of status is visible at once. */
    void saveSnapshot(String status, String answer, String message) throws CheckpointException {
        snapshots.now(snapshot(status, answer, message));
    }

    private Snapshot snapshot(String status, String answer, String message) {
        Long pid = Snapshot.RUNNING.equals(status) ? PID : null;
        return new Snapshot(state.runId, redactor.redact(state.goal), status, state.step, Instant.now().toString(), state.createdAt,
                state.model, workspace.root().toString(), state.tokens, redactor.redact(state.plan), redactor.redact(answer),
                redactor.redact(message), state.lastTool, journal.bytes(), pid, null, state.continuedFrom,
                Snapshot.PAUSED.equals(status) ? pausedBy : null, null);
    }

    /** A call waits for a person's answer that nobody here can give: the run checkpoints itself as waiting and stops. */
    RunResult awaitApproval(AwaitingApproval wait) throws IOException, CheckpointException {
        String why = wait.getMessage() + "; answer with: agent approve " + state.runId + "  or: agent deny " + state.runId
                + " --reason TEXT";
        journal.status(Snapshot.AWAITING_APPROVAL, null, why);
        snapshots.now(snapshot(Snapshot.AWAITING_APPROVAL, null, why).withApproval(wait.request().toJson()));
        audit.sync();
        metrics.flush(config.state().metricsFile());
        return result(Snapshot.AWAITING_APPROVAL, null, why, false);
    }
}
