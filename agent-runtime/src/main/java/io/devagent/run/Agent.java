package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.approval.ApprovalGate;
import io.devagent.approval.ApprovalRecords;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.SnapshotWriter;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.context.WindowSetting;
import io.devagent.model.ContextWindow;
import io.devagent.metrics.Metrics;
import io.devagent.model.ChatModel;
import io.devagent.model.ModelClient;
import io.devagent.model.ModelSettings;
import io.devagent.model.ModelUnavailableException;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyHolder;
import io.devagent.policy.ReloadResult;
import io.devagent.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import io.devagent.state.RunLock;
import io.devagent.tool.ToolRegistry;
import io.devagent.tool.Workspace;
import io.devagent.workspace.Isolation;
import io.devagent.workspace.WorkspaceException;
import io.devagent.workspace.WorkspaceRecorder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts and resumes runs. It sets a run up (id, lock, journal, audit log), hands it to a
 * {@link RunLoop}, and closes everything when the loop returns.
 */
public final class Agent {

    private final AgentConfig config;
    private final ChatModel model;
    private final ToolRegistry tools;
    private final Metrics metrics;
    private final Checkpoints checkpoints;

    public Agent(AgentConfig config, ToolRegistry tools, Metrics metrics) {
        this(config, new ModelClient(config.model()), tools, metrics);
    }

    /** With another source of replies than the model server (replay). */
    public Agent(AgentConfig config, ChatModel model, ToolRegistry tools, Metrics metrics) {
        this.config = config;
        this.model = model;
        this.tools = tools;
        this.metrics = metrics;
        this.checkpoints = new Checkpoints(config.state());
    }

    public Agent(AgentConfig config) {
        this(config, new ToolRegistry(ToolRegistry.builtIns()), new Metrics());
    }

    public Metrics metrics() {
        return metrics;
    }

    /**
     * Runs a new goal to its end (or a pause). The model is looked up first, so that an unreachable
     * model leaves no half-started run behind.
     * <p>
     * With a requested id that names an existing run of the same goal, the run is continued instead
     * (a replaced Kubernetes pod runs the same {@code agent run GOAL --run-id ID} again): an
     * unfinished run resumes from its last committed step, and a finished one reports how it ended
     * without running again. An existing run of another goal is refused.
     */
    public RunResult start(String goal, Optional<String> requestedId, RunControl control, RunListener listener)
            throws ModelUnavailableException, RunException, InterruptedException {
        return start(goal, requestedId, Optional.empty(), control, listener);
    }

    /**
     * A new run; with {@code continueFrom}, a follow-up that carries on the conversation of that
     * finished run with {@code goal} as the new instruction ({@code agent run --continue ID}).
     */
    public RunResult start(String goal, Optional<String> requestedId, Optional<String> continueFrom, RunControl control,
                           RunListener listener) throws ModelUnavailableException, RunException, InterruptedException {
        if (goal == null || goal.isBlank()) {
            throw new RunException("the goal is empty");
        }
        String runId = requestedId.orElseGet(RunIds::next);
        if (!RunIds.valid(runId)) {
            throw new RunException("'" + runId + "' is not a valid run id (letters, digits, '.', '_' and '-'; at most 64)");
        }
        if (requestedId.isPresent() && checkpoints.exists(runId)) {
            return continueExisting(runId, goal, control, listener);
        }
        // A run that cannot be continued is refused before the model is asked.
        Optional<RunJournal.Recovered> earlier = continueFrom.isEmpty() ? Optional.empty()
                : Optional.of(FollowUp.finished(checkpoints, continueFrom.get()));
        String modelName = model.resolveModel();
        // Found before anything is written: a window too small to work in refuses the run at once.
        Optional<ContextWindow> window = window(modelName);
        FollowUp followUp = earlier.map(e -> FollowUp.of(e, window)).orElse(FollowUp.NONE);
        prepareState();
        RunLock lock = lock(runId);
        Isolation.Lease lease = lease(runId, workspace().root(), Optional.empty(), listener);
        Workspace workspace = workspace(lease);
        try {
            RunJournal journal;
            try {
                journal = new RunJournal(checkpoints.create(runId));
                journal.start(runId, redactor().redact(goal), modelName, workspace.root().toString(), Instant.now().toString(),
                        followUp.runId(), followUp.history());
            } catch (CheckpointException | IOException e) {
                throw new RunException(e.getMessage());
            }
            RunJournal.Recovered fresh = RunJournal.Recovered.fresh(runId, goal, modelName, workspace.root().toString(),
                    Instant.now().toString());
            if (followUp.runId() != null) {
                fresh = fresh.continuing(followUp.runId(), followUp.history());
            }
            return execute(fresh, journal, workspace, lease, false, control, listener, window, ApprovalRecords.NONE);
        } finally {
            closeQuietly(lease);
            closeQuietly(lock);
        }
    }

    /** The run {@code runId} exists: resume it if it is unfinished, report it if it has finished, refuse another goal. */
    private RunResult continueExisting(String runId, String goal, RunControl control, RunListener listener)
            throws RunException, InterruptedException {
        RunJournal.Recovered recorded;
        try {
            recorded = RunJournal.recover(checkpoints.entries(runId));
        } catch (CheckpointException e) {
            throw new RunException("run " + runId + " already exists and cannot be continued: " + e.getMessage());
        }
        if (!recorded.goal().equals(redactor().redact(goal))) {
            throw new RunException("run " + runId + " already exists with another goal; give another --run-id");
        }
        // A retried AgentRun's pod (AGENT_RETRY_FAILED) goes on with a failed run; otherwise an ended run is reported as it ended.
        boolean retry = Snapshot.FAILED.equals(recorded.status()) && config.env().flag("AGENT_RETRY_FAILED", false);
        if (!retry && (Snapshot.SUCCEEDED.equals(recorded.status()) || Snapshot.FAILED.equals(recorded.status())
                || Snapshot.CANCELLED.equals(recorded.status()))) {
            listener.finishedEarlier(runId);
            return new RunResult(runId, recorded.status(), recorded.answer(), recorded.currentStep(), recorded.tokens(),
                    recorded.message(), false);
        }
        return resume(runId, control, listener);
    }

    /** Continues a paused or interrupted run from its last committed step. */
    public RunResult resume(String runId, RunControl control, RunListener listener) throws RunException, InterruptedException {
        if (!RunIds.valid(runId) || !checkpoints.exists(runId)) {
            throw new RunException("no run with id '" + runId + "' in " + config.state().checkpoints());
        }
        prepareState();
        RunLock lock = lock(runId);
        try {
            List<JsonNode> entries = new ArrayList<>();
            RunJournal journal;
            RunJournal.Recovered recovered;
            try {
                journal = new RunJournal(checkpoints.reopen(runId, entries));
                recovered = RunJournal.recover(entries);
            } catch (CheckpointException e) {
                throw new RunException(e.getMessage());
            }
            // A failed run can be resumed (after raising a limit, or freeing disk space); a succeeded one is done.
            if (Snapshot.SUCCEEDED.equals(recovered.status()) || Snapshot.CANCELLED.equals(recovered.status())) {
                closeQuietly(journal);
                throw new RunException("run " + runId + " has already " + (Snapshot.CANCELLED.equals(recovered.status())
                        ? "been cancelled" : "finished (succeeded)") + "; there is nothing to resume");
            }
            Optional<ContextWindow> window;
            try {
                window = window(model.settings().model().orElse(recovered.model()));
            } catch (RunException e) {
                closeQuietly(journal);
                throw e;
            }
            Isolation.Lease lease = lease(runId, workspace().root(), Optional.ofNullable(recovered.workspace()).map(Path::of), listener);
            try {
                return execute(recovered, journal, workspace(lease), lease, true, control, listener, window,
                        ApprovalRecords.from(entries));
            } finally {
                closeQuietly(lease);
            }
        } finally {
            closeQuietly(lock);
        }
    }

    private RunResult execute(RunJournal.Recovered run, RunJournal journal, Workspace workspace, Isolation.Lease lease, boolean resumed,
                              RunControl control, RunListener listener, Optional<ContextWindow> window,
                              ApprovalRecords approvals)
            throws RunException, InterruptedException {
        Redactor redactor = redactor();
        try (journal; AuditLog audit = AuditLog.open(config.state().auditLog(run.runId()), run.runId(), redactor);
             SnapshotWriter snapshots = new SnapshotWriter(checkpoints);
             WorkspaceRecorder recorder = recorder(run.runId(), workspace, lease, audit, listener)) {
            if (recorder.problem() != null) {
                audit.append("error", Json.object().put("kind", "snapshot_unavailable").put("message", recorder.problem()));
            }
            // Every reload attempt while the run works is on its record, accepted or not.
            Consumer<ReloadResult> onReload = result -> {
                try {
                    ObjectNode event = Json.object().put("ok", result.ok()).put("version", result.version())
                            .put("trigger", result.trigger());
                    if (result.previousVersion() != null) {
                        event.put("previous_version", result.previousVersion());
                    }
                    if (result.error() != null) {
                        event.put("error", result.error());
                    }
                    audit.append("policy_reloaded", event);
                } catch (IOException ignored) {
                    // the run's next checkpoint will fail loudly if the log cannot be written
                }
            };
            PolicyHolder holder = config.policy() instanceof PolicyHolder h ? h : null;
            if (holder != null) {
                holder.addListener(onReload);
            }
            try {
                ApprovalGate gate = new ApprovalGate(journal, audit, redactor, control.approver(), workspace.root(), approvals);
                RunLoop loop = new RunLoop(run, journal, audit, snapshots, workspace, model, tools, metrics, config, redactor, control, listener,
                        window, gate, recorder);
                return loop.run(resumed);
            } finally {
                if (holder != null) {
                    holder.removeListener(onReload);
                }
            }
        } catch (IOException e) {
            throw new RunException("cannot write the run's state under " + config.state().root() + ": " + e.getMessage());
        }
    }

    /** The model's context window at the start or resume of a run (see {@link WindowSetting}). */
    private Optional<ContextWindow> window(String modelName) throws RunException, InterruptedException {
        try {
            return WindowSetting.find(config.env(), model, modelName);
        } catch (WindowSetting.WindowException e) {
            throw new RunException(e.getMessage());
        }
    }

    /**
     * Secrets are masked in everything a run persists or prints: audit, journal, snapshot, answer.
     * They include the tokens the tools hold (MCP endpoints' credentials).
     */
    private Redactor redactor() {
        Policy policy = config.policy().get();
        return Redactor.from(config.env(), policy.redact()).withSecrets(tools.secrets());
    }

    /** Where the run works: the workspace, or a worktree of its own while another run of this process writes it. */
    private Isolation.Lease lease(String runId, Path workspace, Optional<Path> recorded, RunListener listener) throws RunException {
        try {
            return Isolation.claim(config.state(), runId, workspace, recorded, note -> listener.progress(0, 0, note));
        } catch (WorkspaceException e) {
            throw new RunException(e.getMessage());
        }
    }

    /**
     * The run's workspace recorder. A run that shares its workspace with another run's writes reads
     * as it likes; its first side effect waits for the other run to finish, saying so (progress and
     * audit), and its start snapshot is taken then.
     */
    private WorkspaceRecorder recorder(String runId, Workspace workspace, Isolation.Lease lease, AuditLog audit, RunListener listener) {
        List<String> denied = config.policy().get().files().deny();
        WorkspaceRecorder.Turn turn = () -> lease.await(note -> {
            listener.progress(0, 0, note);
            try {
                audit.append("workspace_wait", Json.object().put("message", note));
            } catch (IOException ignored) {
                // the next checkpoint fails loudly if the log cannot be written
            }
        });
        if ("false".equals(config.env().get("AGENT_SNAPSHOTS", "true"))) {
            return lease.shared() ? WorkspaceRecorder.afterTurn(null, runId, workspace.root(), denied, turn) : WorkspaceRecorder.none();
        }
        return lease.shared() ? WorkspaceRecorder.afterTurn(config.state(), runId, workspace.root(), denied, turn)
                : WorkspaceRecorder.begin(config.state(), runId, workspace.root(), denied);
    }

    private Workspace workspace(Isolation.Lease lease) throws RunException {
        try {
            return new Workspace(lease.workspace());
        } catch (IOException e) {
            throw new RunException("the workspace " + lease.workspace() + " cannot be used: " + e.getMessage());
        }
    }

    private Workspace workspace() throws RunException {
        try {
            return new Workspace(config.workspace());
        } catch (IOException e) {
            throw new RunException("the workspace " + config.workspace() + " cannot be used: " + e.getMessage());
        }
    }

    private void prepareState() throws RunException {
        try {
            config.state().ensureWritable();
        } catch (IOException e) {
            throw new RunException("the state directory " + config.state().root() + " cannot be used: " + e.getMessage());
        }
    }

    private RunLock lock(String runId) throws RunException {
        Path lockFile = config.state().checkpointDir(runId).resolve("lock");
        try {
            return RunLock.tryAcquire(lockFile).orElseThrow(() -> new RunException(
                    "run " + runId + " is already being run by process " + RunLock.holder(lockFile) + "; it cannot be run twice at once"));
        } catch (IOException e) {
            throw new RunException("cannot lock run " + runId + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // releasing on the way out: nothing more to do
        }
    }

    /** Settings for tests and tools that need to know how the model is reached. */
    public ModelSettings modelSettings() {
        return config.model();
    }
}
