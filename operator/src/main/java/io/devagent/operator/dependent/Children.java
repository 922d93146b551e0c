package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.util.HashMap;
import java.util.Map;

/** Names, labels and informer settings shared by an AgentRun's children. */
public final class Children {

    /** Longest AgentRun name: its children append at most "-runtime" or "-NNNN" and label values stop at 63. */
    public static final int MAX_NAME = 50;

    private Children() {
    }

    public static String statePvc(AgentRun run) {
        return run.getMetadata().getName() + "-state";
    }

    public static String policyConfigMap(AgentRun run) {
        return run.getMetadata().getName() + "-policy";
    }

    public static String runtimeAccount(AgentRun run) {
        return run.getMetadata().getName() + "-runtime";
    }

    public static String egressPolicy(AgentRun run) {
        return run.getMetadata().getName() + "-egress";
    }

    public static String pod(AgentRun run, int attempt) {
        return run.getMetadata().getName() + "-" + attempt;
    }

    /** The run id the runtime uses in its state directory: the AgentRun's name. */
    public static String runId(AgentRun run) {
        return run.getMetadata().getName();
    }

    public static Map<String, String> labels(AgentRun run) {
        Map<String, String> labels = new HashMap<>();
        labels.put(Labels.MANAGED_BY, Labels.OPERATOR);
        labels.put(Labels.AGENT_RUN, run.getMetadata().getName());
        labels.put("app.kubernetes.io/name", "dev-agent");
        labels.put("app.kubernetes.io/component", "runtime");
        return labels;
    }

    /** A child's metadata: its name, the labels, and the run as its controlling owner (Kubernetes deletes it with the run). */
    public static ObjectMeta meta(AgentRun run, String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(run.getMetadata().getNamespace())
                .withLabels(labels(run))
                .addNewOwnerReference()
                .withApiVersion(HasMetadata.getApiVersion(AgentRun.class))
                .withKind(HasMetadata.getKind(AgentRun.class))
                .withName(run.getMetadata().getName())
                .withUid(run.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .endOwnerReference()
                .build();
    }
}
