package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.Redactor;
import io.devagent.state.StateDir;
import io.devagent.workspace.ChangeConflict;
import io.devagent.workspace.Revert;
import io.devagent.workspace.WorkspaceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Optional;

/** {@code agent revert ID [--to-step N] [--force]}: puts back what a run changed; recorded in its audit. */
@Command(name = "revert", mixinStandardHelpOptions = true,
        description = {"Put the files run ID changed back as they were before the run (or after step N).",
                "Refuses, naming them, when files were changed again after the run; --force merges those instead."})
final class RevertCommand extends RunChangeCommand<Revert.Result> {

    @Option(names = "--to-step", paramLabel = "N", description = "Keep what steps 1..N did; undo the rest")
    Integer toStep;
    @Option(names = "--force", description = "Merge files changed after the run (three-way) instead of refusing")
    boolean force;

    @Override
    Revert.Result change(StateDir state, Redactor redactor) throws ChangeConflict, WorkspaceException {
        return Revert.run(state, runId, Optional.ofNullable(toStep), force, redactor);
    }

    @Override
    ObjectNode toJson(Revert.Result result) {
        return result.toJson();
    }

    @Override
    void print(Revert.Result result, PrintWriter out) {
        printFiles("reverted run " + runId + (result.toStep() == 0 ? " to before it started" : " to after step " + result.toStep()),
                result.files(), out);
        if (!result.conflicted().isEmpty()) {
            out.println("merged with conflict markers (resolve them by hand): " + String.join(", ", result.conflicted()));
        }
    }
}
