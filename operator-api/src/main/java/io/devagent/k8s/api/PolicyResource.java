package io.devagent.k8s.api;

import io.devagent.policy.Policy;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The Policy resource. Its spec is the runtime's own policy model, {@link Policy}: the same type the
 * runtime reads from {@code policy.yaml}, so a field added there is a field here. The bounds that
 * PolicyLoader checks are also stated as validation rules (CEL) in the schema; the operator checks
 * them again with PolicyLoader itself, since not every API server evaluates the rules.
 */
@Group(AgentRun.GROUP)
@Version(AgentRun.VERSION)
@Kind("Policy")
@Singular("policy")
@Plural("policies")
@ShortNames({"dapol", "agentpolicy"})
@ValidationRule(value = "!has(self.spec) || !has(self.spec.limits) || !has(self.spec.limits.maxSteps) || self.spec.limits.maxSteps >= 1",
        message = "spec.limits.maxSteps must be at least 1")
@ValidationRule(value = "!has(self.spec) || !has(self.spec.limits) || !has(self.spec.limits.maxTokens) || self.spec.limits.maxTokens >= 1",
        message = "spec.limits.maxTokens must be at least 1")
@ValidationRule(value = "!has(self.spec) || !has(self.spec.limits) || !has(self.spec.limits.maxToolOutputBytes) "
        + "|| (self.spec.limits.maxToolOutputBytes >= 256 && self.spec.limits.maxToolOutputBytes <= 16777216)",
        message = "spec.limits.maxToolOutputBytes must be between 256 and 16777216 (16 MiB)")
@ValidationRule(value = "!has(self.spec) || !has(self.spec.shell) || !has(self.spec.shell.timeoutSeconds) || self.spec.shell.timeoutSeconds >= 1",
        message = "spec.shell.timeoutSeconds must be at least 1")
@AdditionalPrinterColumn(name = "Version", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.version")
@AdditionalPrinterColumn(name = "Valid", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Network", type = AdditionalPrinterColumn.Type.BOOLEAN, jsonPath = ".spec.network.allow")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class PolicyResource extends CustomResource<Policy, PolicyStatus> implements Namespaced {

    /** Set by {@code agent --k8s policies reload}: the controller re-renders every run's policy and records the value. */
    public static final String RELOAD_ANNOTATION = "devagent.io/reload-requested";

    public PolicyResource() {
    }

    public PolicyResource(String namespace, String name, Policy spec) {
        getMetadata().setNamespace(namespace);
        getMetadata().setName(name);
        setSpec(spec);
    }

    /** The reload token last asked for, or null. */
    public String reloadRequest() {
        var annotations = getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(RELOAD_ANNOTATION);
    }
}
