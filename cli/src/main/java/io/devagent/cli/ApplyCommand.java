package io.devagent.cli;

import io.devagent.json.Json;
import io.devagent.state.StateDir;
import io.devagent.workspace.Apply;
import io.devagent.workspace.ChangeConflict;
import io.devagent.workspace.WorkspaceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code agent apply ID}: brings an isolated run's change (its worktree) into the working tree. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Bring the change that run ID made in a worktree of its own into the working tree.",
                "Refuses, naming them, when files there were changed since the run started; nothing is applied then."})
final class ApplyCommand extends StateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID")
    String runId;
    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StateDir state = context.state(env);
        try {
            Apply.Result result = Apply.run(state, runId, RevertCommand.redactor(state, env));
            if (json) {
                out.println(Json.write(result.toJson()));
            } else {
                out.println("applied run " + runId + " to " + result.into() + ": " + result.files().size()
                        + (result.files().size() == 1 ? " file" : " files"));
                result.files().forEach(f -> out.println("  " + f));
            }
            return ExitCodes.OK;
        } catch (ChangeConflict | WorkspaceException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
