package io.devagent.cli;

import io.devagent.checkpoint.Snapshot;
import io.devagent.daemon.RunSteering;
import io.devagent.json.Json;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunException;

import java.io.PrintWriter;

/**
 * {@code agent checkpoints pause} and {@code agent cancel} on the state directory: one run steered
 * through the main runtime, else its own process, else its checkpoint, and how it went.
 */
record LocalSteering(AgentConfig config, PrintWriter out, PrintWriter err) {

    /** Pauses or cancels {@code runId}; prints the outcome (or one JSON object). */
    int steer(String runId, boolean cancel, String reason, boolean json) {
        RunSteering.Outcome outcome;
        try {
            RunSteering steering = new RunSteering(config);
            outcome = cancel ? steering.cancel(runId, reason) : steering.pause(runId, reason);
        } catch (RunException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        if (json) {
            out.println(Json.write(Json.object().put("run_id", outcome.runId()).put("status", outcome.status()).put("via", outcome.via())));
        } else {
            out.println("run " + outcome.runId() + " " + outcome.status() + " (through " + outcome.via() + ")"
                    + (Snapshot.PAUSED.equals(outcome.status()) ? "; continue with: agent checkpoints resume " + outcome.runId() : ""));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
