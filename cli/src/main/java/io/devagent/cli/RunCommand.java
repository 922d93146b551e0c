package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.daemon.MainRuntime;
import io.devagent.daemon.RuntimeClient;
import io.devagent.policy.PolicyException;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.state.AccessProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
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
final class RunCommand extends StateCommand implements Callable<Integer> {



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

    @Option(names = "--model", paramLabel = "NAME",
            description = "The model for this run (default: $LLM_MODEL, the config files, else the server's first)")
    String model;

    @Option(names = {"--base-url", "--model-url"}, paramLabel = "URL",
            description = "The OpenAI-compatible server for this run (default: $LLM_BASE_URL, the config files, else "
                    + "http://localhost:1234/v1); with --k8s, as the cluster reaches it")
    String baseUrl;

    @Option(names = "--continue", paramLabel = "ID",
            description = "Start a follow-up of finished run ID: the new run carries on its conversation with GOAL as the next instruction")
    String continueFrom;

    @Option(names = "--detach", description = "Hand GOAL to the main runtime and return at once with its run id (needs a main runtime); "
            + "with --k8s, create the AgentRun and return")
    boolean detach;

    @picocli.CommandLine.ArgGroup(exclusive = false, heading = "%nWith --k8s (an AgentRun in the cluster; --run-id names it):%n")
    K8sRunOptions k8sOptions;

    /** The AgentRun's spec, beyond the goal. */
    static final class K8sRunOptions {
        @Option(names = "--api-key-secret", paramLabel = "SECRET/KEY", description = "Secret key that holds the model's API key")
        String apiKeySecret;
        @Option(names = "--policy", paramLabel = "NAME", description = "Policy resource in the namespace (default: the default policy)")
        String policy;
        @Option(names = "--git", paramLabel = "URL", description = "Clone this repository as the workspace")
        String git;
        @Option(names = "--git-ref", paramLabel = "REF", description = "Branch, tag or commit of --git")
        String gitRef;
        @Option(names = "--pvc", paramLabel = "CLAIM[/SUBPATH]", description = "Use an existing PersistentVolumeClaim as the workspace")
        String pvc;
        @Option(names = "--max-steps", paramLabel = "N", description = "Upper bound on the run's steps")
        Integer maxSteps;
        @Option(names = "--storage", paramLabel = "SIZE", description = "Size of the run's state volume (default 1Gi)")
        String storage;
        @Option(names = "--image", paramLabel = "IMAGE", description = "Runtime image (default: the operator's)")
        String image;
    }



    @Override
    public Integer call() throws PolicyException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        K8sMode.Options k8s = K8sMode.Options.of(spec);
        if (k8s.enabled()) {
            if (continueFrom != null) {
                err.println("error: --continue is for local runs and the main runtime, not --k8s; see 'agent run --help'");
                return ExitCodes.USAGE;
            }
            if (replay != null || goal == null) {
                err.println("error: agent --k8s run wants a GOAL (the main runtime and --replay are local)");
                return ExitCodes.USAGE;
            }
            if (goal.isBlank()) {
                err.println("error: the goal is empty; give one, e.g. agent --k8s run \"Summarize repo\"");
                return ExitCodes.USAGE;
            }
            K8sRunOptions o = k8sOptions == null ? new K8sRunOptions() : k8sOptions;
            return new K8sMode(k8s, env, out, err).run(new K8sMode.RunRequest(goal, runId, baseUrl, model, o.apiKeySecret,
                    o.policy, o.image, o.storage, o.maxSteps, o.git, o.gitRef, o.pvc), json, detach);
        }
        if (k8sOptions != null) {
            err.println("error: --policy, --git and the other AgentRun options go with --k8s; see 'agent run --help'");
            return ExitCodes.USAGE;
        }
        if (replay != null) {
            return ReplayReport.replay(context.config(env), replay, out, err, json);
        }
        if (goal == null) {
            if (continueFrom != null) {
                err.println("error: --continue wants the follow-up instruction, e.g. agent run --continue " + continueFrom
                        + " \"now add tests for it\"; see 'agent run --help'");
                return ExitCodes.USAGE;
            }
            if (json || detach || runId != null || model != null || baseUrl != null) {
                err.println("error: --json, --detach and --run-id go with a GOAL, e.g. agent run \"Summarize repo\"; 'agent run' alone starts the main runtime");
                return ExitCodes.USAGE;
            }
            return mainRuntime(out, err);
        }
        if (goal.isBlank()) {
            err.println("error: the goal is empty; give one, e.g. agent run \"Summarize repo\"");
            return ExitCodes.USAGE;
        }
        if (continueFrom != null) {
            // A follow-up of a run that is not there, or not finished, is bad input: said here, before anything starts.
            var earlier = io.devagent.run.RunIds.valid(continueFrom)
                    ? new io.devagent.view.StateView(context.state(env)).run(continueFrom) : java.util.Optional.<io.devagent.checkpoint.Snapshot>empty();
            if (earlier.isEmpty()) {
                err.println("error: no run with id '" + continueFrom + "' to continue; see the runs with: agent checkpoints list");
                return ExitCodes.USAGE;
            }
            if (!earlier.get().finished()) {
                err.println("error: run " + continueFrom + " has not finished (it is " + earlier.get().status()
                        + "); a follow-up goes on from a finished run; continue this one with: agent checkpoints resume " + continueFrom);
                return ExitCodes.USAGE;
            }
        }
        // --model and --base-url are this run's: it runs here, since the main runtime keeps its own model settings.
        Environment runEnv = env;
        if (model != null) {
            runEnv = runEnv.with("LLM_MODEL", model);
        }
        if (baseUrl != null) {
            runEnv = runEnv.with("LLM_BASE_URL", baseUrl);
        }
        boolean handOver = model == null && baseUrl == null;
        if (!handOver && detach) {
            err.println("error: --detach hands the goal to the main runtime, which uses its own model; leave out --model and --base-url");
            return ExitCodes.USAGE;
        }
        return new RunSession(context.config(runEnv), runEnv, out, err, json)
                .start(goal, Optional.ofNullable(runId), Optional.ofNullable(continueFrom), detach, handOver);
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
        } catch (AccessDeniedException e) {
            err.println("error: cannot start the main runtime: " + AccessProblem.describe(e, config.state().root()));
            return ExitCodes.FAILED;
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
