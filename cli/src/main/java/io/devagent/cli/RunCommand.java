package io.devagent.cli;

import io.devagent.policy.PolicyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
        RunRequest.AgentRunOptions agentRun = k8sOptions == null ? null : new RunRequest.AgentRunOptions(k8sOptions.apiKeySecret,
                k8sOptions.policy, k8sOptions.git, k8sOptions.gitRef, k8sOptions.pvc, k8sOptions.maxSteps, k8sOptions.storage, k8sOptions.image);
        return backend().run(new RunRequest(goal, runId, replay, model, baseUrl, continueFrom, detach, json, agentRun));
    }
}
