package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.cli.k8s.ChangeSignal;
import io.devagent.cli.k8s.Cluster;
import io.devagent.json.Json;
import io.devagent.k8s.api.Labels;
import io.devagent.k8s.api.PolicyResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code agent --k8s policies reload [NAME]}: asks the operator to render the Policy again into every
 * run that references it, and waits until each of those runs' ConfigMaps carries the request: the
 * running pods then reload the mounted file. A Policy that does not validate is rejected, and the runs
 * keep the version in force.
 */
record ClusterPolicyReload(Cluster cluster, PrintWriter out, PrintWriter err) {

    int reload(String name, boolean json, Duration wait) throws InterruptedException {
        List<PolicyResource> targets = new ClusterPolicies(cluster, out, err).targets(name);
        if (targets.isEmpty()) {
            return ExitCodes.FAILED;
        }
        var policies = cluster.client().resources(PolicyResource.class).inNamespace(cluster.namespace());
        String token = Instant.now().toString() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        // Watched before the request: the operator's answer (the Policy's status, the runs' ConfigMaps) may come at once.
        try (ChangeSignal changes = new ChangeSignal().on(policies)
                .on(cluster.client().configMaps().inNamespace(cluster.namespace()).withLabel(Labels.POLICY))) {
            for (PolicyResource policy : targets) {
                policies.withName(policy.getMetadata().getName()).patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(),
                        Json.write(Json.object().set("metadata", Json.object().set("annotations",
                                Json.object().put(PolicyResource.RELOAD_ANNOTATION, token)))));
            }
            long deadline = System.nanoTime() + wait.toNanos();
            ArrayNode results = Json.MAPPER.createArrayNode();
            int exit = ExitCodes.OK;
            for (PolicyResource target : targets) {
                String policyName = target.getMetadata().getName();
                ObjectNode result = results.addObject().put("policy", policyName);
                while (true) {
                    PolicyResource policy = policies.withName(policyName).get();
                    var status = policy == null ? null : policy.getStatus();
                    boolean acted = status != null && token.equals(status.getReloaded());
                    List<ConfigMap> maps = cluster.client().configMaps().inNamespace(cluster.namespace())
                            .withLabel(Labels.POLICY, policyName).list().getItems();
                    long pending = maps.stream().filter(m -> !token.equals(annotation(m, Labels.POLICY_RELOAD))).count();
                    boolean rejected = acted && status.getConditions() != null && status.getConditions().stream()
                            .anyMatch(c -> "Degraded".equals(c.getType()) && "True".equals(c.getStatus()));
                    if (acted && (rejected || pending == 0)) {
                        result.put("ok", !rejected).put("version", status.getVersion()).put("runs", maps.size());
                        if (rejected) {
                            result.put("error", status.getMessage());
                            exit = ExitCodes.FAILED;
                            if (!json) {
                                err.println("rejected: policy " + policyName + ": " + status.getMessage()
                                        + "; its runs keep the version in force");
                            }
                        } else if (!json) {
                            out.println("reloaded: policy " + policyName + " version " + status.getVersion() + " is rendered into "
                                    + maps.size() + " run" + (maps.size() == 1 ? "" : "s") + "; their pods reload the mounted file");
                        }
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        result.put("ok", false).put("error", "not propagated within " + wait.toSeconds() + " s");
                        exit = ExitCodes.FAILED;
                        if (!json) {
                            err.println("error: policy " + policyName + ": the operator has not " + (acted ? "re-rendered " + pending
                                    + " of the runs' ConfigMaps" : "acted on the request") + " within " + wait.toSeconds()
                                    + " s; is it running? (kubectl get pods -l app.kubernetes.io/name=dev-agent-operator)");
                        }
                        break;
                    }
                    changes.awaitChange(deadline);
                }
            }
            if (json) {
                out.println(Json.write(name != null ? results.get(0) : results));
            }
            return exit;
        }
    }

    private static String annotation(ConfigMap map, String key) {
        var annotations = map.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
