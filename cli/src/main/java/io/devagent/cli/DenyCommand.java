package io.devagent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agent deny ID [--reason TEXT]}: refuses the call run ID waits on; the model reads the reason and goes on. */
@Command(name = "deny", mixinStandardHelpOptions = true,
        description = {"Deny the tool call that run ID waits on (status awaiting_approval).",
                "The call does not run: the model gets an error that carries the reason, and the run goes on (in the main",
                "runtime when one is alive, else in this process).",
                "Exit 2, and nothing changes, when run ID does not exist or is not waiting."})
final class DenyCommand extends AnswerCommand {

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the model (e.g. \"use a branch, not main\")")
    String reason;

    @Override
    boolean approves() {
        return false;
    }

    @Override
    String reason() {
        return reason;
    }
}
