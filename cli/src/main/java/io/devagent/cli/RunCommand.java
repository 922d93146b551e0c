package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.daemon.MainRuntime;
import io.devagent.daemon.RuntimeClient;
import io.devagent.policy.PolicyException;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code agent run "GOAL"}: runs a goal to its end, printing {@code run_id: <id>} first and the answer
 * last; handed to the main runtime when one is alive. {@code agent run} alone is the main runtime.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run GOAL on the workspace: the model works through tools until it has an answer.",
                "Prints 'run_id: <id>' first, shows progress on stderr, and prints the final answer.",
                "When a main runtime is alive for the state directory, GOAL is handed to it and followed from here",
                "(Ctrl-C then stops following; the run goes on); else it runs in this process.",
                "SIGINT or SIGTERM pauses the run at a checkpoint; 'agent checkpoints resume ID' continues it.",
                "With no GOAL: the main runtime, the long-lived process that takes goals over <state>/agent.sock,",
                "several at once; SIGTERM or SIGINT pauses its runs at a checkpoint and stops it."})
final class RunCommand implements Callable<Integer>, CliContext.Aware {

    @Mixin
    CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "GOAL", description = "What the agent should do, e.g. \"Summarize repo\"")
    String goal;

    @Option(names = "--json", description = "Print one JSON object at the end: run_id, status, answer, steps, tokens")
    boolean json;

    @Option(names = "--run-id", paramLabel = "ID", description = "Use this run id instead of a new one")
    String runId;

    @Option(names = "--replay", paramLabel = "ID",
            description = "Re-run run ID from the model replies recorded in its journal (no model needed), in a scratch copy "
                    + "of the workspace, and report the first step whose tool results differ (exit 1 if any)")
    String replay;

    @Option(names = "--detach", description = "Hand GOAL to the main runtime and return at once with its run id (needs a main runtime)")
    boolean detach;

    private Environment env;

    @Override
    public void environment(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws PolicyException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (replay != null) {
            return ReplayReport.replay(context.config(env), replay, out, err, json);
        }
        if (goal == null) {
            if (json || detach || runId != null) {
                err.println("error: --json, --detach and --run-id go with a GOAL, e.g. agent run \"Summarize repo\"; 'agent run' alone starts the main runtime");
                return ExitCodes.USAGE;
            }
            return mainRuntime(out, err);
        }
        if (goal.isBlank()) {
            err.println("error: the goal is empty; give one, e.g. agent run \"Summarize repo\"");
            return ExitCodes.USAGE;
        }
        return new RunSession(context.config(env), env, out, err, json).start(goal, Optional.ofNullable(runId), detach);
    }

    /** The main runtime: serves until SIGTERM or SIGINT, which the JVM turns into exit status 143 or 130. */
    private int mainRuntime(PrintWriter out, PrintWriter err) throws PolicyException {
        AgentConfig config = context.config(env);
        if (RuntimeClient.runtime(config.state()).isPresent()) {
            // Refused by MainRuntime below, with its message: no MCP endpoint is connected for nothing.
            return mainRuntime(config, new Agent(config), out, err);
        }
        try (McpTools mcp = McpTools.forMainRuntime(config, out)) {
            return mainRuntime(config, mcp.agent(config), out, err);
        }
    }

    private int mainRuntime(AgentConfig config, Agent agent, PrintWriter out, PrintWriter err) {
        MainRuntime runtime = new MainRuntime(config, agent, out);
        try {
            runtime.run();
        } catch (MainRuntime.AlreadyRunningException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("error: cannot start the main runtime: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
        if (runtime.stoppedByShutdown()) {
            SignalPause.shuttingDown();
        }
        return ExitCodes.OK;
    }
}
