package io.devagent.cli;

import picocli.CommandLine.Command;

/** {@code agent}: the top-level command. */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "dev-agent: an autonomous software development agent for local models.%n"
                + "Durable (checkpointed runs), bounded (one policy), accountable (hash-chained audit).",
        subcommands = {RunCommand.class, CheckpointsCommand.class, AuditCommand.class, PoliciesCommand.class, ArchiveCommand.class, McpCommand.class, DashboardCommand.class,
                DiffCommand.class, RevertCommand.class, ApplyCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done, 1 the run failed, 2 bad usage, 3 cannot reach the model or the cluster, 130/143 paused by SIGINT/SIGTERM."})
public final class AgentCommand implements Runnable {

    @picocli.CommandLine.Option(names = "--k8s", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Act on AgentRun and Policy resources in the cluster of the current kubeconfig context (run, checkpoints, policies)")
    boolean k8s;

    @picocli.CommandLine.Option(names = "--namespace", paramLabel = "NS", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "With --k8s: the namespace (default: the context's, else default)")
    String namespace;

    @picocli.CommandLine.Option(names = "--context", paramLabel = "CONTEXT", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "With --k8s: the kubeconfig context (default: the current one)")
    String context;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is needed");
    }
}
