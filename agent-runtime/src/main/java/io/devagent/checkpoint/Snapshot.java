package io.devagent.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.model.Tokens;

/**
 * The latest state of a run, small and rewritten whole at each checkpoint
 * ({@code checkpoints/<run_id>/snapshot.json}). It is derived from the journal and can be rebuilt from it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Snapshot(
        @JsonProperty("run_id") String runId,
        String goal,
        String status,
        @JsonProperty("current_step") int currentStep,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("created_at") String createdAt,
        String model,
        String workspace,
        Tokens tokens,
        String plan,
        String answer,
        String message,
        @JsonProperty("last_tool") String lastTool,
        @JsonProperty("journal_bytes") long journalBytes,
        Long pid,
        JsonNode approval,
        @JsonProperty("continued_from") String continuedFrom,
        @JsonProperty("paused_by") String pausedBy,
        String archive) {

    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    /** Stopped before a tool call that the policy's {@code approve} globs make wait for a person's answer. */
    public static final String AWAITING_APPROVAL = "awaiting_approval";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    /** Never written: readers show it for a {@code running} run whose owner is gone ({@code RunLiveness}). */
    public static final String INTERRUPTED = "interrupted";

    /** Who paused a run ({@code paused_by}): a person (a command, the dashboard, a signal to a foreground run). */
    public static final String BY_PERSON = "person";
    /** The main runtime's own shutdown (SIGTERM to it): its next start resumes the run. */
    public static final String BY_SHUTDOWN = "shutdown";
    /** No model answered: a person resumes once it is back. */
    public static final String BY_MODEL = "model_unavailable";

    /** Without {@code paused_by}, for writers that do not pause (benchmarks, tests). */
    public Snapshot(String runId, String goal, String status, int currentStep, String updatedAt, String createdAt, String model,
                    String workspace, Tokens tokens, String plan, String answer, String message, String lastTool,
                    long journalBytes, Long pid) {
        this(runId, goal, status, currentStep, updatedAt, createdAt, model, workspace, tokens, plan, answer, message, lastTool,
                journalBytes, pid, null, null, null, null);
    }

    /** With {@code paused_by}, not archived. */
    public Snapshot(String runId, String goal, String status, int currentStep, String updatedAt, String createdAt, String model,
                    String workspace, Tokens tokens, String plan, String answer, String message, String lastTool,
                    long journalBytes, Long pid, String pausedBy) {
        this(runId, goal, status, currentStep, updatedAt, createdAt, model, workspace, tokens, plan, answer, message, lastTool,
                journalBytes, pid, null, null, pausedBy, null);
    }

    /** The same snapshot, its audit log moved to {@code archivedLog} ({@code agent archive}). */
    public Snapshot withArchive(String archivedLog) {
        return new Snapshot(runId, goal, status, currentStep, updatedAt, createdAt, model, workspace, tokens, plan, answer, message,
                lastTool, journalBytes, pid, approval, continuedFrom, pausedBy, archivedLog);
    }

    /** The same snapshot with another status, as a reader shows it. */
    public Snapshot withStatus(String shown) {
        return new Snapshot(runId, goal, shown, currentStep, updatedAt, createdAt, model, workspace, tokens, plan, answer, message,
                lastTool, journalBytes, pid, approval, continuedFrom, pausedBy, archive);
    }

    /** The same snapshot with the pending call a person is asked about ({@code approval}), or none. */
    public Snapshot withApproval(JsonNode pending) {
        return new Snapshot(runId, goal, status, currentStep, updatedAt, createdAt, model, workspace, tokens, plan, answer, message,
                lastTool, journalBytes, pid, pending, continuedFrom, pausedBy, archive);
    }

    /** The same snapshot, marked as the follow-up of run {@code id}. */
    public Snapshot withContinuedFrom(String id) {
        return new Snapshot(runId, goal, status, currentStep, updatedAt, createdAt, model, workspace, tokens, plan, answer, message,
                lastTool, journalBytes, pid, approval, id, pausedBy, archive);
    }

    public boolean finished() {
        return SUCCEEDED.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
    }
}
