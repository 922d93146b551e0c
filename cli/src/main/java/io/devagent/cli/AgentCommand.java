package io.devagent.cli;

import io.devagent.config.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;

/** {@code agent}: the top-level command. */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "dev-agent: an autonomous software development agent for local models.%n"
                + "Durable (checkpointed runs), bounded (one policy), accountable (hash-chained audit).",
        subcommands = {RunCommand.class, ApproveCommand.class, DenyCommand.class, LogsCommand.class, ConfigCommand.class, CheckpointsCommand.class, AuditCommand.class, PoliciesCommand.class, ArchiveCommand.class, McpCommand.class, DashboardCommand.class,
                DiffCommand.class, RevertCommand.class, ApplyCommand.class, CancelCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done, 1 the run failed, 2 bad usage, 3 cannot reach the model or the cluster, 4 waiting for approval, 130/143 paused by SIGINT/SIGTERM."})
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
    CommandSpec spec;

    /**
     * The back end every command acts on, chosen here and nowhere else: the cluster with {@code --k8s}
     * (wherever it was typed: the option is inherited), else the state directory of {@code local}.
     */
    Backend backend(CliContext local, Environment env, PrintWriter out, PrintWriter err) {
        return k8s ? new ClusterBackend(env, context, namespace, out, err) : new LocalBackend(local, env, out, err);
    }

    /** The {@code agent} command above {@code spec}, which holds the global options. */
    static AgentCommand of(CommandSpec spec) {
        CommandSpec root = spec;
        while (root.parent() != null) {
            root = root.parent();
        }
        return (AgentCommand) root.userObject();
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is needed");
    }
}
