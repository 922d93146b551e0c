package io.devagent.cli;

import io.devagent.policy.PolicyException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * What {@code agent approve} and {@code agent deny} share: the run that waits, {@code --detach} and
 * {@code --json}; the answer goes to the run, which then goes on (see {@link RunSession#answer}).
 */
abstract class AnswerCommand extends StateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The run that waits for approval (see: agent checkpoints list)")
    String runId;

    @Option(names = "--detach", description = "Record the answer and return at once; the run goes on in the main runtime, "
            + "or when resumed (agent checkpoints resume ID)")
    boolean detach;

    @Option(names = "--json", description = "Print one JSON object at the end: run_id, status, answer, steps, tokens")
    boolean json;

    /** Whether the answer lets the call run. */
    abstract boolean approves();

    /** Why, for the model; null when none was given. */
    String reason() {
        return null;
    }

    @Override
    public Integer call() throws PolicyException {
        return session(json).answer(runId, approves(), reason(), detach);
    }
}
