package io.devagent.cli;

import picocli.CommandLine.Command;

/** {@code agent}: the top-level command. */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "dev-agent: an autonomous software development agent for local models.%n"
                + "Durable (checkpointed runs), bounded (one policy), accountable (hash-chained audit).",
        subcommands = {RunCommand.class, CheckpointsCommand.class, AuditCommand.class, PoliciesCommand.class, ArchiveCommand.class, McpCommand.class, DashboardCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done, 1 the run failed, 2 bad usage, 3 cannot reach the model, 130/143 paused by SIGINT/SIGTERM."})
public final class AgentCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is needed");
    }
}
