package io.devagent.cli;

import io.devagent.cli.k8s.Cluster;
import io.devagent.cli.k8s.Cluster.ClusterException;
import io.devagent.config.Environment;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.PrintWriter;

/**
 * The cluster of {@code --context} and {@code --namespace}, connected for one piece of work: a client
 * failure becomes one line on stderr and exit 3 (unreachable) or 1 (refused); a bad context, exit 2.
 */
record ClusterConnection(Environment env, String context, String namespace, PrintWriter err) {

    /** Work against a connected cluster, returning the exit code. */
    interface Work {
        int run(Cluster cluster) throws ClusterException, InterruptedException;
    }

    int call(Work work) {
        Cluster cluster;
        try {
            cluster = Cluster.connect(env, context, namespace);
        } catch (ClusterException e) {
            err.println("error: " + e.getMessage());
            return e.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.USAGE;
        }
        try (cluster) {
            return work.run(cluster);
        } catch (KubernetesClientException e) {
            return fail(cluster.explain(e));
        } catch (ClusterException e) {
            return fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
    }

    private int fail(ClusterException e) {
        err.println("error: " + e.getMessage());
        err.flush();
        return e.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.FAILED;
    }
}
