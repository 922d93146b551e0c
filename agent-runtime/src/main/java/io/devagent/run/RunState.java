package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.checkpoint.RunJournal;
import io.devagent.model.Tokens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run knows about itself between steps: its committed step count and tokens, its plan, the
 * files it wrote (with the hash each should still have), and the notes for the model's next request.
 * The step classes read and update it; each of them returns its own result.
 */
final class RunState {

    final String runId;
    final String goal;
    final String model;
    final String createdAt;
    /** The run this one is the follow-up of ({@code agent run --continue}), or null. */
    final String continuedFrom;
    int step;
    Tokens tokens;
    String plan;
    String lastTool;
    boolean textMode;
    /** Files this run wrote, with the hash each should still have. */
    final Map<String, String> writtenFiles;
    /** Changes to {@link #writtenFiles} in the step being built (null: deleted). */
    final Map<String, String> stepFiles = new LinkedHashMap<>();
    /** Notes for the model (reviewer findings) sent with the next request and committed with its step. */
    final List<ObjectNode> notes = new ArrayList<>();

    RunState(RunJournal.Recovered run, String model, boolean textMode) {
        this.runId = run.runId();
        this.goal = run.goal();
        this.model = model;
        this.createdAt = run.createdAt();
        this.continuedFrom = run.continuedFrom();
        this.step = run.currentStep();
        this.tokens = run.tokens();
        this.plan = run.plan();
        this.textMode = textMode;
        this.writtenFiles = new LinkedHashMap<>(run.files());
    }

    /** A write the run made (or found landed on resume): the file should keep this hash. */
    void track(JsonNode effect) {
        if (effect.hasNonNull("path") && effect.hasNonNull("sha256")) {
            writtenFiles.put(effect.get("path").asText(), effect.get("sha256").asText());
            stepFiles.put(effect.get("path").asText(), effect.get("sha256").asText());
        }
    }

    void fileNow(String path, String hash) {
        if (hash == null) {
            writtenFiles.remove(path);
        } else {
            writtenFiles.put(path, hash);
        }
        stepFiles.put(path, hash);
    }
}
