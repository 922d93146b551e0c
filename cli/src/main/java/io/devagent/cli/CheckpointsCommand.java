package io.devagent.cli;

import io.devagent.checkpoint.Snapshot;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.policy.PolicyException;
import io.devagent.view.StateView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
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
            PrintWriter out = spec.commandLine().getOut();
            K8sMode.Options k8s = K8sMode.Options.of(spec);
            if (k8s.enabled()) {
                return new K8sMode(k8s, env, out, spec.commandLine().getErr()).list(json);
            }
            List<Snapshot> runs = new StateView(context.state(env)).runs();
            if (json) {
                out.println(Json.write(Json.MAPPER.valueToTree(runs)));
                return ExitCodes.OK;
            }
            if (runs.isEmpty()) {
                out.println("no runs yet in " + context.state(env).checkpoints());
                return ExitCodes.OK;
            }
            out.printf("%-24s %-10s %5s  %-20s  %s%n", "RUN_ID", "STATUS", "STEP", "UPDATED_AT", "GOAL");
            for (Snapshot s : runs) {
                String goal = s.goal().replaceAll("\\s+", " ");
                out.printf("%-24s %-10s %5d  %-20s  %s%n", s.runId(), s.status(), s.currentStep(),
                        s.updatedAt() == null ? "" : s.updatedAt().replaceFirst("\\.\\d+Z$", "Z"),
                        goal.length() > 60 ? goal.substring(0, 60) + "…" : goal);
            }
            return ExitCodes.OK;
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
            K8sMode.Options k8s = K8sMode.Options.of(spec);
            if (k8s.enabled()) {
                return new K8sMode(k8s, env, spec.commandLine().getOut(), spec.commandLine().getErr()).show(runId);
            }
            StateView view = new StateView(context.state(env));
            Optional<Snapshot> snapshot = runId == null ? view.latest() : view.run(runId);
            if (snapshot.isEmpty()) {
                spec.commandLine().getErr().println("error: " + (runId == null ? "no runs yet in " + context.state(env).checkpoints()
                        : "no run with id '" + runId + "' in " + context.state(env).checkpoints()));
                return ExitCodes.FAILED;
            }
            spec.commandLine().getOut().println(Json.pretty(snapshot.get()));
            return ExitCodes.OK;
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
            K8sMode.Options k8s = K8sMode.Options.of(spec);
            if (k8s.enabled()) {
                return new K8sMode(k8s, env, spec.commandLine().getOut(), spec.commandLine().getErr()).resume(runId, json);
            }
            return new RunSession(context.config(env), env, spec.commandLine().getOut(), spec.commandLine().getErr(), json).resume(runId);
        }
    }


    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Pause run ID at its next safe point, as a person: a restarting main runtime leaves it alone.",
                    "It is reached through the main runtime, else its own process, else its checkpoint."})
    static final class Pause extends SteerCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String runId;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the snapshot and the audit log)")
        String reason;
        @Option(names = "--json", description = "Print one JSON object: run_id, status, via")
        boolean json;

        @Override
        public Integer call() throws PolicyException {
            return steer(runId, false, reason, json);
        }
    }
}
