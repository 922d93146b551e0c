package io.devagent.cli;

import io.devagent.cli.k8s.Cluster;
import io.devagent.json.Json;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.policy.Policy;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** {@code agent --k8s policies show [NAME]}, and the Policies a command names (NAME, else all in the namespace). */
record ClusterPolicies(Cluster cluster, PrintWriter out, PrintWriter err) {

    /** Policy {@code name}, else all in the namespace; empty after saying so on stderr when there is none. */
    List<PolicyResource> targets(String name) {
        var policies = cluster.client().resources(PolicyResource.class).inNamespace(cluster.namespace());
        List<PolicyResource> targets = name != null
                ? Optional.ofNullable(policies.withName(name).get()).map(List::of).orElse(List.of())
                : policies.list().getItems();
        if (targets.isEmpty()) {
            err.println("error: " + (name == null ? "no Policies in namespace " + cluster.namespace()
                    : "no Policy '" + name + "' in namespace " + cluster.namespace()));
        }
        return targets;
    }

    int show(String name) {
        List<PolicyResource> targets = targets(name);
        if (targets.isEmpty()) {
            return ExitCodes.FAILED;
        }
        for (PolicyResource policy : targets) {
            var status = policy.getStatus();
            out.println("# Policy " + cluster.namespace() + "/" + policy.getMetadata().getName()
                    + (status == null ? " (not yet seen by the operator)" : ", version " + status.getVersion()
                    + (status.getMessage() == null ? "" : "; rejected: " + status.getMessage())));
            out.println(Json.pretty(Json.MAPPER.valueToTree(policy.getSpec() == null ? Policy.defaults() : policy.getSpec())));
        }
        return ExitCodes.OK;
    }
}
