package io.devagent.cli;

import io.devagent.json.Json;
import io.devagent.workspace.RunDiff;
import io.devagent.workspace.WorkspaceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code agent diff ID [--step N] [--stat] [--json]}: the change a run made to its workspace. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"The change run ID made to its workspace, from its start to now (shell effects included),",
                "and nothing that was there before the run. --step N: what step N alone did."})
final class DiffCommand extends StateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID")
    String runId;
    @Option(names = "--step", paramLabel = "N", description = "Only what step N changed")
    Integer step;
    @Option(names = "--stat", description = "Files and line counts instead of the patch")
    boolean stat;
    @Option(names = "--json", description = "Print the diff as JSON (summary and per-file patches)")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (K8sMode.Options.of(spec).enabled()) {
            err.println("error: agent diff reads a local state directory; an AgentRun's change is on its push branch "
                    + "(agent --k8s checkpoints show ID names it)");
            return ExitCodes.USAGE;
        }
        RunDiff.Report report;
        try {
            report = RunDiff.of(context.state(env), runId, Optional.ofNullable(step));
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

    static String summary(RunDiff.Report report) {
        int n = report.files().size();
        return " " + n + (n == 1 ? " file" : " files") + " changed, " + report.insertions() + " insertions(+), "
                + report.deletions() + " deletions(-)";
    }
}
