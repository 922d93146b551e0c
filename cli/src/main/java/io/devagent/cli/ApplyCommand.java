package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.Redactor;
import io.devagent.state.StateDir;
import io.devagent.workspace.Apply;
import io.devagent.workspace.ChangeConflict;
import io.devagent.workspace.WorkspaceException;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code agent apply ID}: brings an isolated run's change (its worktree) into the working tree. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Bring the change that run ID made in a worktree of its own into the working tree.",
                "Refuses, naming them, when files there were changed since the run started; nothing is applied then."})
final class ApplyCommand extends RunChangeCommand<Apply.Result> {

    @Override
    Apply.Result change(StateDir state, Redactor redactor) throws ChangeConflict, WorkspaceException {
        return Apply.run(state, runId, redactor);
    }

    @Override
    ObjectNode toJson(Apply.Result result) {
        return result.toJson();
    }

    @Override
    void print(Apply.Result result, PrintWriter out) {
        printFiles("applied run " + runId + " to " + result.into(), result.files(), out);
    }
}
