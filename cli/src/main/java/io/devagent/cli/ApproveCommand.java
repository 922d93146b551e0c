package io.devagent.cli;

import io.devagent.policy.PolicyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code agent approve ID}: lets the call run ID waits on run, then the run goes on. */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approve the tool call that run ID waits on (status awaiting_approval).",
                "The call runs once and the run goes on: in the main runtime when one is alive for the state directory,",
                "else in this process, followed as 'agent run' is.",
                "Exit 2, and nothing changes, when run ID does not exist or is not waiting."})
final class ApproveCommand extends StateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The run that waits for approval (see: agent checkpoints list)")
    String runId;

    @Option(names = "--detach", description = "Record the answer and return at once; the run goes on in the main runtime, "
            + "or when resumed (agent checkpoints resume ID)")
    boolean detach;

    @Option(names = "--json", description = "Print one JSON object at the end: run_id, status, answer, steps, tokens")
    boolean json;

    @Override
    public Integer call() throws PolicyException {
        return new RunSession(context.config(env), env, spec.commandLine().getOut(), spec.commandLine().getErr(), json)
                .answer(runId, true, null, detach);
    }
}
