package io.devagent.cli;

import io.devagent.policy.PolicyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code agent checkpoints list | show [ID] | resume ID}. */
@Command(name = "checkpoints", mixinStandardHelpOptions = true,
        description = "List, inspect and resume runs from their checkpoints.",
        subcommands = {CheckpointsCommand.ListRuns.class, CheckpointsCommand.Show.class, CheckpointsCommand.Resume.class,
                CheckpointsCommand.Pause.class})
final class CheckpointsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say list, show, resume or pause");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Runs with status, current_step, updated_at and goal, newest first.")
    static final class ListRuns extends StateCommand implements Callable<Integer> {
        @Option(names = "--json", description = "Print a JSON array of snapshots")
        boolean json;

        @Override
        public Integer call() {
            return backend().listRuns(json);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The latest snapshot of run ID (default: the newest run), as JSON.")
    static final class Show extends StateCommand implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "ID")
        String runId;
        @Option(names = "--json", description = "JSON output (the default for show)")
        boolean json;

        @Override
        public Integer call() {
            return backend().showRun(runId);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Continue run ID from its last saved current_step (a paused run, or one whose process died).",
                    "A run that another live process owns is refused.",
                    "With --k8s: unsuspends the AgentRun ID and follows it to the end.",
                    "When a main runtime is alive for the state directory, the resume is handed to it and followed from here."})
    static final class Resume extends StateCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String runId;
        @Option(names = "--json", description = "Print one JSON object at the end: run_id, status, answer, steps, tokens")
        boolean json;

        @Override
        public Integer call() throws PolicyException {
            return backend().resume(runId, json);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Pause run ID at its next safe point, as a person: a restarting main runtime leaves it alone.",
                    "It is reached through the main runtime, else its own process, else its checkpoint."})
    static final class Pause extends StateCommand implements Callable<Integer> {
        @Mixin
        SteerOptions steer;

        @Override
        public Integer call() throws PolicyException {
            return backend().pause(steer.runId, steer.reason, steer.json);
        }
    }
}
