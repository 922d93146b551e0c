package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.Redactor;
import io.devagent.json.Json;
import io.devagent.policy.PolicyException;
import io.devagent.state.StateDir;
import io.devagent.workspace.ChangeConflict;
import io.devagent.workspace.WorkspaceException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What {@code agent apply} and {@code agent revert} share: they change the working tree by what run ID
 * changed, record it in the run's audit, and print the result (or, refused, one error line and exit 1).
 *
 * @param <R> the change's result
 */
abstract class RunChangeCommand<R> extends StateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID")
    String runId;
    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    /** Makes the change; {@code redactor} redacts its audit line. */
    abstract R change(StateDir state, Redactor redactor) throws ChangeConflict, WorkspaceException;

    abstract ObjectNode toJson(R result);

    /** The result as a person reads it. */
    abstract void print(R result, PrintWriter out);

    @Override
    public Integer call() {
        StateDir state = state();
        try {
            R result = change(state, redactor(state));
            if (json) {
                out().println(Json.write(toJson(result)));
            } else {
                print(result, out());
            }
            return ExitCodes.OK;
        } catch (ChangeConflict | WorkspaceException e) {
            err().println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    /** "HEAD: N file(s)", then the files, one a line. */
    static void printFiles(String head, List<String> files, PrintWriter out) {
        out.println(head + ": " + files.size() + (files.size() == 1 ? " file" : " files"));
        files.forEach(f -> out.println("  " + f));
    }

    /** The audit line is redacted like the run's own lines. */
    private Redactor redactor(StateDir state) {
        try {
            return Redactor.from(env, CliContext.policy(state, env).redact());
        } catch (PolicyException e) {
            return Redactor.from(env, List.of());
        }
    }
}
