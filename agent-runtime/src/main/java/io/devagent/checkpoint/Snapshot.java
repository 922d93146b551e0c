package io.devagent.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
        Long pid) {

    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public boolean finished() {
        return SUCCEEDED.equals(status) || FAILED.equals(status);
    }
}
