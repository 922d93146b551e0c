package io.devagent.cli;

import picocli.CommandLine.Command;

/** {@code agent approve ID}: lets the call run ID waits on run, then the run goes on. */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approve the tool call that run ID waits on (status awaiting_approval).",
                "The call runs once and the run goes on: in the main runtime when one is alive for the state directory,",
                "else in this process, followed as 'agent run' is.",
                "Exit 2, and nothing changes, when run ID does not exist or is not waiting."})
final class ApproveCommand extends AnswerCommand {

    @Override
    boolean approves() {
        return true;
    }
}
