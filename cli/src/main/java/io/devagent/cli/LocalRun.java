package io.devagent.cli;

import io.devagent.checkpoint.Snapshot;
import io.devagent.config.Environment;
import io.devagent.policy.PolicyException;
import io.devagent.run.RunIds;
import io.devagent.view.StateView;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * {@code agent run} on the state directory: a goal (handed to the main runtime when one is alive, else
 * run here), {@code --replay}, or with no goal the main runtime itself. The AgentRun options are refused.
 */
record LocalRun(CliContext context, Environment env, PrintWriter out, PrintWriter err) {

    int run(RunRequest r) throws PolicyException {
        if (r.agentRun() != null) {
            return usage("--policy, --git and the other AgentRun options go with --k8s; see 'agent run --help'");
        }
        if (r.replay() != null) {
            return ReplayReport.replay(context.config(env), r.replay(), out, err, r.json());
        }
        if (r.goal() == null) {
            if (r.continueFrom() != null) {
                return usage("--continue wants the follow-up instruction, e.g. agent run --continue " + r.continueFrom()
                        + " \"now add tests for it\"; see 'agent run --help'");
            }
            if (r.json() || r.detach() || r.runId() != null || r.model() != null || r.baseUrl() != null) {
                return usage("--json, --detach and --run-id go with a GOAL, e.g. agent run \"Summarize repo\"; 'agent run' alone starts the main runtime");
            }
            return new LocalMainRuntime(context.config(env), out, err).serve();
        }
        if (r.goal().isBlank()) {
            return usage("the goal is empty; give one, e.g. agent run \"Summarize repo\"");
        }
        if (r.continueFrom() != null) {
            // A follow-up of a run that is not there, or not finished, is bad input: said here, before anything starts.
            Optional<Snapshot> earlier = RunIds.valid(r.continueFrom())
                    ? new StateView(context.state(env)).run(r.continueFrom()) : Optional.empty();
            if (earlier.isEmpty()) {
                return usage("no run with id '" + r.continueFrom() + "' to continue; see the runs with: agent checkpoints list");
            }
            if (!earlier.get().finished()) {
                return usage("run " + r.continueFrom() + " has not finished (it is " + earlier.get().status()
                        + "); a follow-up goes on from a finished run; continue this one with: agent checkpoints resume " + r.continueFrom());
            }
        }
        // --model and --base-url are this run's: it runs here, since the main runtime keeps its own model settings.
        Environment runEnv = env;
        if (r.model() != null) {
            runEnv = runEnv.with("LLM_MODEL", r.model());
        }
        if (r.baseUrl() != null) {
            runEnv = runEnv.with("LLM_BASE_URL", r.baseUrl());
        }
        boolean handOver = r.model() == null && r.baseUrl() == null;
        if (!handOver && r.detach()) {
            return usage("--detach hands the goal to the main runtime, which uses its own model; leave out --model and --base-url");
        }
        return new RunSession(context.config(runEnv), runEnv, out, err, r.json())
                .start(r.goal(), Optional.ofNullable(r.runId()), Optional.ofNullable(r.continueFrom()), r.detach(), handOver);
    }

    private int usage(String message) {
        err.println("error: " + message);
        return ExitCodes.USAGE;
    }
}
