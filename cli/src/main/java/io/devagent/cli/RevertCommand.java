package io.devagent.cli;

import io.devagent.audit.Redactor;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.policy.PolicyException;
import io.devagent.state.StateDir;
import io.devagent.workspace.ChangeConflict;
import io.devagent.workspace.Revert;
import io.devagent.workspace.WorkspaceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code agent revert ID [--to-step N] [--force]}: puts back what a run changed; recorded in its audit. */
@Command(name = "revert", mixinStandardHelpOptions = true,
        description = {"Put the files run ID changed back as they were before the run (or after step N).",
                "Refuses, naming them, when files were changed again after the run; --force merges those instead."})
final class RevertCommand extends StateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID")
    String runId;
    @Option(names = "--to-step", paramLabel = "N", description = "Keep what steps 1..N did; undo the rest")
    Integer toStep;
    @Option(names = "--force", description = "Merge files changed after the run (three-way) instead of refusing")
    boolean force;
    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StateDir state = context.state(env);
        try {
            Revert.Result result = Revert.run(state, runId, Optional.ofNullable(toStep), force, redactor(state, env));
            if (json) {
                out.println(Json.write(result.toJson()));
            } else {
                out.println("reverted run " + runId + (result.toStep() == 0 ? " to before it started" : " to after step " + result.toStep())
                        + ": " + result.files().size() + (result.files().size() == 1 ? " file" : " files"));
                result.files().forEach(f -> out.println("  " + f));
                if (!result.conflicted().isEmpty()) {
                    out.println("merged with conflict markers (resolve them by hand): " + String.join(", ", result.conflicted()));
                }
            }
            return ExitCodes.OK;
        } catch (ChangeConflict e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (WorkspaceException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    /** The audit line is redacted like the run's own lines. */
    static Redactor redactor(StateDir state, Environment env) {
        try {
            return Redactor.from(env, CliContext.policy(state, env).redact());
        } catch (PolicyException e) {
            return Redactor.from(env, List.of());
        }
    }
}
