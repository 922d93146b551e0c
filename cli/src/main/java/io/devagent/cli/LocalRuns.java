package io.devagent.cli;

import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.state.StateDir;
import io.devagent.view.StateView;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** {@code agent checkpoints list | show [ID]} on the state directory: the runs' latest snapshots. */
record LocalRuns(StateDir state, PrintWriter out, PrintWriter err) {

    int list(boolean json) {
        List<Snapshot> runs = new StateView(state).runs();
        if (json) {
            out.println(Json.write(Json.MAPPER.valueToTree(runs)));
            return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
            out.println("no runs yet in " + state.checkpoints());
            return ExitCodes.OK;
        }
        out.printf("%-24s %-10s %5s  %-20s  %s%n", "RUN_ID", "STATUS", "STEP", "UPDATED_AT", "GOAL");
        for (Snapshot s : runs) {
            String goal = s.goal().replaceAll("\\s+", " ");
            out.printf("%-24s %-10s %5d  %-20s  %s%n", s.runId(), s.status(), s.currentStep(),
                    s.updatedAt() == null ? "" : s.updatedAt().replaceFirst("\\.\\d+Z$", "Z"),
                    goal.length() > 60 ? goal.substring(0, 60) + "…" : goal);
        }
        return ExitCodes.OK;
    }

    /** Run {@code runId}'s latest snapshot (null: the newest run's), as JSON. */
    int show(String runId) {
        StateView view = new StateView(state);
        Optional<Snapshot> snapshot = runId == null ? view.latest() : view.run(runId);
        if (snapshot.isEmpty()) {
            err.println("error: " + (runId == null ? "no runs yet in " + state.checkpoints()
                    : "no run with id '" + runId + "' in " + state.checkpoints()));
            return ExitCodes.FAILED;
        }
        out.println(Json.pretty(snapshot.get()));
        return ExitCodes.OK;
    }
}
