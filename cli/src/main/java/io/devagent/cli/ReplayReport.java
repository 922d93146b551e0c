package io.devagent.cli;

import io.devagent.json.Json;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunException;
import io.devagent.run.RunListener;
import io.devagent.run.Replayer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code agent run --replay ID}: replays a run in a scratch copy of the workspace and reports the first difference. */
final class ReplayReport {

    private ReplayReport() {
    }

    static int replay(AgentConfig config, String runId, PrintWriter out, PrintWriter err, boolean json) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("dev-agent-replay-");
            Replayer.copyWorkspace(config.workspace(), scratch);
        } catch (IOException e) {
            err.println("error: cannot prepare a scratch workspace for the replay: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        Replayer.Report report;
        try {
            report = Replayer.replay(config, runId, scratch, RunListener.NONE);
        } catch (RunException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.SIGINT;
        }
        if (json) {
            var node = Json.object().put("replay_of", runId).put("run_id", report.replayRunId())
                    .put("workspace", scratch.toString()).put("recorded_steps", report.recordedSteps())
                    .put("replayed_steps", report.result().steps()).put("status", report.result().status())
                    .put("identical", report.firstDifference().isEmpty());
            report.firstDifference().ifPresent(d -> node.putObject("first_difference").put("step", d.step()).put("call", d.call())
                    .put("recorded", d.recorded()).put("replayed", d.replayed()));
            out.println(Json.write(node));
        } else {
            out.println("replay_of: " + runId);
            out.println("run_id: " + report.replayRunId());
            out.println("workspace: " + scratch);
            if (report.firstDifference().isEmpty()) {
                out.println("identical: the " + report.recordedSteps() + " recorded steps replayed with the same tool results");
            } else {
                var d = report.firstDifference().get();
                out.println("first difference: step " + d.step() + ", tool call " + d.call());
                out.println("  recorded: " + excerpt(d.recorded()));
                out.println("  replayed: " + excerpt(d.replayed()));
            }
        }
        return report.firstDifference().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static String excerpt(String text) {
        String one = text.replace("\n", "\\n");
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }
}
