package io.devagent.cli;

import io.devagent.config.Environment;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * {@code agent --k8s ...}: runs and policies are AgentRun and Policy resources in the cluster of
 * {@code --context} and {@code --namespace}; pausing suspends the AgentRun. What reads a local state directory
 * (diff, audit) or has no counterpart in the cluster (cancel) says how to do it there instead, with exit 2.
 */
record ClusterBackend(Environment env, ClusterConnection connection, PrintWriter out, PrintWriter err) implements Backend {

    /** How long {@code policies reload} waits for the operator to propagate a Policy. */
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(30);

    /** The cluster of kubeconfig context {@code context} (null: the current one) and {@code namespace} (null: the context's). */
    ClusterBackend(Environment env, String context, String namespace, PrintWriter out, PrintWriter err) {
        this(env, new ClusterConnection(env, context, namespace, err), out, err);
    }

    @Override
    public int run(RunRequest request) {
        return new ClusterRun(env, out, err).run(request, connection);
    }

    @Override
    public int listRuns(boolean json) {
        return connection.call(cluster -> new ClusterRuns(cluster, env, out, err).list(json));
    }

    @Override
    public int showRun(String runId) {
        return connection.call(cluster -> new ClusterRuns(cluster, env, out, err).show(runId));
    }

    @Override
    public int resume(String runId, boolean json) {
        return connection.call(cluster -> new ClusterRuns(cluster, env, out, err).resume(runId, json));
    }

    @Override
    public int pause(String runId, String reason, boolean json) {
        return connection.call(cluster -> new ClusterRuns(cluster, env, out, err).pause(runId, json));
    }

    @Override
    public int cancel(String runId, String reason, boolean json) {
        return notHere("an AgentRun is not cancelled; pause it with: agent --k8s checkpoints pause " + runId
                + ", or delete it with its volume: kubectl delete agentrun " + runId);
    }

    @Override
    public int showPolicies(String name) {
        return connection.call(cluster -> new ClusterPolicies(cluster, out, err).show(name));
    }

    @Override
    public int reloadPolicies(String name, boolean json) {
        return connection.call(cluster -> new ClusterPolicyReload(cluster, out, err).reload(name, json, RELOAD_WAIT));
    }

    @Override
    public int diff(String runId, Integer step, boolean stat, boolean json) {
        return notHere("agent diff reads a local state directory; an AgentRun's change is on its push branch "
                + "(agent --k8s checkpoints show ID names it)");
    }

    @Override
    public int verifyAudit(String runId, boolean json) {
        return notHere("agent audit reads a local state directory; for an AgentRun, run it where its volume is mounted: "
                + "kubectl exec POD -- agent audit verify RUN_ID");
    }

    private int notHere(String message) {
        err.println("error: " + message);
        return ExitCodes.USAGE;
    }
}
