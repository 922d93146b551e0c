package io.devagent.cli;

import io.devagent.policy.PolicyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code agent cancel ID [--reason TEXT]}: ends one run for good (status {@code cancelled}, audit {@code run_cancelled}). */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"End run ID for good: its status becomes cancelled and it is never resumed.",
                "A run in flight stops at its next safe point (a tool call in flight is let finish);",
                "it is reached through the main runtime, else its own process, else its checkpoint."})
final class CancelCommand extends StateCommand implements Callable<Integer> {

    @Mixin
    SteerOptions steer;

    @Override
    public Integer call() throws PolicyException {
        return backend().cancel(steer.runId, steer.reason, steer.json);
    }
}
