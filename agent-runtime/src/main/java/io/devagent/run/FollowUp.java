package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * What a follow-up run ({@code agent run --continue ID "FOLLOW-UP"}) carries on: the conversation of
 * run ID as its journal holds it (already redacted): its own earlier context, its goal, and every
 * committed step's messages. Only a finished run is continued; an unfinished one is resumed instead.
 */
record FollowUp(String runId, List<JsonNode> history) {

    static final FollowUp NONE = new FollowUp(null, List.of());

    static FollowUp of(Checkpoints checkpoints, String runId) throws RunException {
        if (!RunIds.valid(runId) || !checkpoints.exists(runId)) {
            throw new RunException("no run with id '" + runId + "' to continue");
        }
        RunJournal.Recovered earlier;
        try {
            earlier = RunJournal.recover(checkpoints.entries(runId));
        } catch (CheckpointException e) {
            throw new RunException("run " + runId + " cannot be continued: " + e.getMessage());
        }
        if (!Snapshot.SUCCEEDED.equals(earlier.status()) && !Snapshot.FAILED.equals(earlier.status())) {
            throw new RunException("run " + runId + " has not finished (it is " + earlier.status()
                    + "); continue it with: agent checkpoints resume " + runId);
        }
        List<JsonNode> history = new ArrayList<>(earlier.history());
        ObjectNode goal = Json.object().put("role", "user").put("content", earlier.goal());
        history.add(goal);
        earlier.steps().forEach(history::addAll);
        return new FollowUp(runId, history);
    }
}
