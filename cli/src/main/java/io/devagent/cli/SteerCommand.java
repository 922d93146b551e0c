package io.devagent.cli;

import io.devagent.checkpoint.Snapshot;
import io.devagent.daemon.RunSteering;
import io.devagent.json.Json;
import io.devagent.policy.PolicyException;
import io.devagent.run.RunException;

import java.io.PrintWriter;

/** What {@code agent checkpoints pause} and {@code agent cancel} share: steering one run and saying how it went. */
abstract class SteerCommand extends StateCommand {

    /** Pauses or cancels {@code runId}; prints the outcome (or one JSON object). */
    int steer(String runId, boolean cancel, String reason, boolean json) throws PolicyException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (K8sMode.Options.of(spec).enabled()) {
            err.println("error: with --k8s, pause a run with: kubectl patch agentrun " + runId
                    + " --type merge -p '{\"spec\":{\"suspend\":true}}'" + (cancel ? " (or delete it: kubectl delete agentrun " + runId + ")" : ""));
            return ExitCodes.USAGE;
        }
        RunSteering.Outcome outcome;
        try {
            RunSteering steering = new RunSteering(context.config(env));
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
