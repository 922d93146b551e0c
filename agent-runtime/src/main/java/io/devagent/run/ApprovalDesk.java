package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.approval.ApprovalAnswer;
import io.devagent.approval.ApprovalGate;
import io.devagent.approval.ApprovalRecords;
import io.devagent.approval.ApprovalRequest;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.state.RunLock;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers a run that waits for a person ({@code awaiting_approval}): {@code agent approve} /
 * {@code agent deny}, the main runtime and the dashboard all come here. Holding the run's lock, it
 * journals the answer (durable), audits who gave it, and leaves the run {@code paused}, ready to be
 * resumed; whoever called then resumes it (the CLI in its process, the main runtime on a thread).
 * Anything wrong (no such run, a run that is not waiting) changes nothing.
 */
public final class ApprovalDesk {

    /** The answer was recorded. */
    public record Answered(String runId, ApprovalRequest request, ApprovalAnswer answer) {
    }

    /** Bad input: the run does not exist, is not waiting, or is being run right now. Nothing was changed. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final StateDir state;
    private final Checkpoints checkpoints;
    private final Redactor redactor;

    public ApprovalDesk(StateDir state, Redactor redactor) {
        this.state = state;
        this.checkpoints = new Checkpoints(state);
        this.redactor = redactor;
    }

    /** The call run {@code runId} waits on, without answering it. */
    public ApprovalRequest waiting(String runId) throws Refused {
        List<JsonNode> entries;
        try {
            entries = checkpoints.entries(known(runId));
        } catch (CheckpointException e) {
            throw new Refused(e.getMessage());
        }
        return waitingIn(runId, entries);
    }

    public Answered answer(String runId, boolean approved, String reason, String by) throws Refused, IOException {
        Path lockFile = state.checkpointDir(known(runId)).resolve("lock");
        Optional<RunLock> lock = RunLock.tryAcquire(lockFile);
        if (lock.isEmpty()) {
            waiting(runId); // a run that waits for no answer says so, whoever holds its lock (a finished run's process may still be closing)
            throw new Refused("run " + runId + " is being run by process " + RunLock.holder(lockFile)
                    + " right now; it is not waiting for an answer here");
        }
        try (RunLock held = lock.get()) {
            List<JsonNode> entries = new ArrayList<>();
            RunJournal journal;
            try {
                journal = new RunJournal(checkpoints.reopen(runId, entries));
            } catch (CheckpointException e) {
                throw new Refused(e.getMessage());
            }
            try (journal; AuditLog audit = AuditLog.open(state.auditLog(runId), runId, redactor)) {
                ApprovalRequest request = waitingIn(runId, entries);
                ApprovalAnswer answer = new ApprovalAnswer(request.step(), request.call(), approved,
                        reason == null || reason.isBlank() ? null : redactor.redact(reason.strip()), by, Instant.now().toString());
                ApprovalGate.record(journal, audit, request, answer);
                String message = (approved ? "approved" : "denied") + " by " + by + "; the run goes on when resumed";
                journal.status(Snapshot.PAUSED, null, message);
                Snapshot before = checkpoints.snapshot(runId).orElse(null);
                if (before != null) {
                    writeSnapshot(before, message, journal.bytes());
                }
                return new Answered(runId, request, answer);
            }
        }
    }

    private void writeSnapshot(Snapshot s, String message, long journalBytes) throws IOException {
        try {
            checkpoints.writeSnapshot(new Snapshot(s.runId(), s.goal(), Snapshot.PAUSED, s.currentStep(), Instant.now().toString(),
                    s.createdAt(), s.model(), s.workspace(), s.tokens(), s.plan(), null, message, s.lastTool(), journalBytes, null,
                    null, s.continuedFrom(), null, s.archive()));
        } catch (CheckpointException e) {
            throw new IOException(e.getMessage(), e); // the journal holds the answer: the snapshot is rebuilt from it
        }
    }

    private String known(String runId) throws Refused {
        if (!RunIds.valid(runId) || !checkpoints.exists(runId)) {
            throw new Refused("no run with id '" + runId + "' in " + state.checkpoints());
        }
        return runId;
    }

    private static ApprovalRequest waitingIn(String runId, List<JsonNode> entries) throws Refused {
        RunJournal.Recovered run;
        try {
            run = RunJournal.recover(entries);
        } catch (CheckpointException e) {
            throw new Refused(e.getMessage());
        }
        if (!Snapshot.AWAITING_APPROVAL.equals(run.status())) {
            throw new Refused("run " + runId + " is not waiting for approval (it is " + run.status() + ")");
        }
        return ApprovalRecords.from(entries).waiting()
                .orElseThrow(() -> new Refused("run " + runId + " is not waiting for approval (no call is pending)"));
    }
}
