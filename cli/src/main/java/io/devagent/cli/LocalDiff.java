package io.devagent.cli;

import io.devagent.json.Json;
import io.devagent.state.StateDir;
import io.devagent.workspace.RunDiff;
import io.devagent.workspace.WorkspaceException;

import java.io.PrintWriter;
import java.util.Optional;

/** {@code agent diff ID} on the state directory: the patch, {@code --stat} or JSON of what a run changed. */
record LocalDiff(StateDir state, PrintWriter out, PrintWriter err) {

    int diff(String runId, Integer step, boolean stat, boolean json) {
        RunDiff.Report report;
        try {
            report = RunDiff.of(state, runId, Optional.ofNullable(step));
        } catch (WorkspaceException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        if (json) {
            out.println(Json.write(report.toJson()));
        } else if (stat) {
            int width = report.files().stream().mapToInt(f -> f.path().length()).max().orElse(0);
            for (RunDiff.FileChange f : report.files()) {
                String counts = f.binary() ? "binary" : (f.insertions() + f.deletions()) + " "
                        + "+".repeat(Math.min(f.insertions(), 40)) + "-".repeat(Math.min(f.deletions(), 40));
                out.printf(" %-" + Math.max(width, 1) + "s | %-8s %s%n", f.path(), f.status(), counts);
            }
            out.println(summary(report));
        } else {
            report.files().forEach(f -> out.print(f.patch()));
            if (report.files().isEmpty()) {
                out.println(summary(report));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String summary(RunDiff.Report report) {
        int n = report.files().size();
        return " " + n + (n == 1 ? " file" : " files") + " changed, " + report.insertions() + " insertions(+), "
                + report.deletions() + " deletions(-)";
    }
}
