package io.devagent.cli;

import io.devagent.policy.PolicyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code agent deny ID [--reason TEXT]}: refuses the call run ID waits on; the model reads the reason and goes on. */
@Command(name = "deny", mixinStandardHelpOptions = true,
        description = {"Deny the tool call that run ID waits on (status awaiting_approval).",
                "The call does not run: the model gets an error that carries the reason, and the run goes on (in the main",
                "runtime when one is alive, else in this process).",
                "Exit 2, and nothing changes, when run ID does not exist or is not waiting."})
final class DenyCommand extends StateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The run that waits for approval (see: agent checkpoints list)")
    String runId;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the model (e.g. \"use a branch, not main\")")
    String reason;

    @Option(names = "--detach", description = "Record the answer and return at once; the run goes on in the main runtime, "
            + "or when resumed (agent checkpoints resume ID)")
    boolean detach;

    @Option(names = "--json", description = "Print one JSON object at the end: run_id, status, answer, steps, tokens")
    boolean json;

    @Override
    public Integer call() throws PolicyException {
        return new RunSession(context.config(env), env, spec.commandLine().getOut(), spec.commandLine().getErr(), json)
                .answer(runId, false, reason, detach);
    }
}
