package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.policy.PolicyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code agent run "GOAL"}: runs a goal to its end, printing {@code run_id: <id>} first and the answer last. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run GOAL on the workspace: the model works through tools until it has an answer.",
                "Prints 'run_id: <id>' first, shows progress on stderr, and prints the final answer.",
                "SIGINT or SIGTERM pauses the run at a checkpoint; 'agent checkpoints resume ID' continues it."})
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
        if (goal == null || goal.isBlank()) {
            err.println("error: give a GOAL, e.g. agent run \"Summarize repo\" (the long-lived main runtime, 'agent run' alone, is not part of this build yet)");
            return ExitCodes.USAGE;
        }
        return new RunSession(context.config(env), env, out, err, json).start(goal, Optional.ofNullable(runId));
    }
}
