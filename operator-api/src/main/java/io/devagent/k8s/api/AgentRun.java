package io.devagent.k8s.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One agent run on Kubernetes: the operator gives it a PVC at {@code /state}, a ConfigMap with the
 * rendered policy and a runtime pod that runs {@code agent run GOAL --run-id ID}; a pod that dies is
 * replaced and resumes from the PVC. See SPEC.md "Kubernetes".
 */
@Group(AgentRun.GROUP)
@Version(AgentRun.VERSION)
@Kind("AgentRun")
@Singular("agentrun")
@Plural("agentruns")
@ShortNames({"ar", "arun"})
@AdditionalPrinterColumn(name = "Phase", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Step", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.currentStep")
@AdditionalPrinterColumn(name = "Tokens", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.tokens")
@AdditionalPrinterColumn(name = "Pod", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.podName", priority = 1)
@AdditionalPrinterColumn(name = "Goal", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.goal", priority = 1)
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class AgentRun extends CustomResource<AgentRunSpec, AgentRunStatus> implements Namespaced {

    public static final String GROUP = "devagent.io";
    public static final String VERSION = "v1alpha1";

    public AgentRun() {
    }

    public AgentRun(String namespace, String name, AgentRunSpec spec) {
        getMetadata().setNamespace(namespace);
        getMetadata().setName(name);
        setSpec(spec);
    }

    /** The spec, or an empty one: a resource created without a spec still reconciles to a clear condition. */
    public AgentRunSpec spec() {
        return getSpec() == null ? AgentRunSpec.EMPTY : getSpec();
    }

    public boolean suspended() {
        return Boolean.TRUE.equals(spec().suspend());
    }
}
