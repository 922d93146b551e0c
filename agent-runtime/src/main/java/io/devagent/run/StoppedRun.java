package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.state.RunLock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pauses (by a person) or cancels a run that no process is running: a paused one, one whose owner
 * died, one waiting for approval. It takes the run's lock as a resume would, appends the status to
 * the journal, rewrites the snapshot and adds {@code run_paused} or {@code run_cancelled} to the
 * audit chain. A person's pause keeps a restarting main runtime from resuming the run; a cancel is final.
 */
public final class StoppedRun {

    private final AgentConfig config;
    private final Checkpoints checkpoints;

    public StoppedRun(AgentConfig config) {
        this.config = config;
        this.checkpoints = new Checkpoints(config.state());
    }

    /**
     * Records {@code status} ({@code paused} by a person, or {@code cancelled}) for the run; returns the
     * new snapshot, or empty when the run already was so. Fails when a process holds the run.
     */
    public Optional<Snapshot> record(String runId, String status, String reason) throws RunException {
        if (!RunIds.valid(runId) || !checkpoints.exists(runId)) {
            throw new RunException("no run with id '" + runId + "' in " + config.state().checkpoints());
        }
        Path lockFile = config.state().checkpointDir(runId).resolve("lock");
        Optional<RunLock> lock;
        try {
            lock = RunLock.tryAcquire(lockFile);
        } catch (IOException e) {
            throw new RunException("cannot lock run " + runId + ": " + e.getMessage());
        }
        if (lock.isEmpty()) {
            throw new RunException("run " + runId + " is being run by process " + RunLock.holder(lockFile) + "; try again");
        }
        try (RunLock held = lock.get()) {
            return write(runId, status, reason);
        } catch (IOException e) {
            throw new RunException("cannot write the state of run " + runId + ": " + e.getMessage());
        }
    }

    private Optional<Snapshot> write(String runId, String status, String reason) throws RunException, IOException {
        List<JsonNode> entries = new ArrayList<>();
        Redactor redactor = Redactor.from(config.env(), config.policy().get().redact());
        try (RunJournal journal = new RunJournal(checkpoints.reopen(runId, entries))) {
            RunJournal.Recovered run = RunJournal.recover(entries);
            if (Snapshot.SUCCEEDED.equals(run.status()) || Snapshot.FAILED.equals(run.status()) || Snapshot.CANCELLED.equals(run.status())) {
                throw new RunException("run " + runId + " has already ended (" + run.status() + ")");
            }
            boolean pause = Snapshot.PAUSED.equals(status);
            if (pause && Snapshot.PAUSED.equals(run.status()) && Snapshot.BY_PERSON.equals(run.pausedBy())) {
                return Optional.empty();
            }
            String message = redactor.redact(reason);
            journal.status(status, null, message, pause ? Snapshot.BY_PERSON : null);
            Snapshot before = checkpoints.snapshot(runId).orElse(null);
            Snapshot after = new Snapshot(runId, run.goal(), status, run.currentStep(), Instant.now().toString(), run.createdAt(),
                    run.model(), run.workspace(), run.tokens(), run.plan(), null, message,
                    before == null ? null : before.lastTool(), journal.bytes(), null, pause ? Snapshot.BY_PERSON : null);
            checkpoints.writeSnapshot(after);
            try (AuditLog audit = AuditLog.open(config.state().auditLog(runId), runId, redactor)) {
                audit.append(pause ? "run_paused" : "run_cancelled", Json.object().put("current_step", run.currentStep())
                        .put("reason", reason).put("by", Snapshot.BY_PERSON).put("status", status));
                audit.sync();
            }
            return Optional.of(after);
        } catch (CheckpointException e) {
            throw new RunException("run " + runId + " cannot be changed: " + e.getMessage());
        }
    }
}
