package io.devagent.operator.dependent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyException;
import io.devagent.policy.PolicyLoader;

/**
 * Turns a Policy resource's spec into the {@code policy.yaml} a runtime pod mounts, and checks it
 * with the runtime's own loader, so that what the operator accepts is exactly what the runtime
 * accepts.
 */
public final class PolicyRendering {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private PolicyRendering() {
    }

    /** A policy as the runtime's loader reads it: valid, or rejected with the loader's message. */
    public sealed interface Checked {
        record Valid(Policy policy) implements Checked {
        }

        record Invalid(String message) implements Checked {
        }
    }

    /** Checks a Policy resource's spec with PolicyLoader (a missing spec is the defaults). */
    public static Checked check(PolicyResource resource) {
        Policy spec = resource.getSpec() == null ? Policy.defaults() : resource.getSpec();
        String source = "Policy " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
        try {
            return new Checked.Valid(PolicyLoader.parse(yaml(spec), source));
        } catch (PolicyException e) {
            return new Checked.Invalid(e.getMessage());
        }
    }

    /**
     * The policy a run gets: the Policy's, with {@code network.allow} made explicit (unset means off
     * in a cluster; the pod's {@code ALLOW_NET} is true so that the file decides, and a reload can
     * turn network on or off) and {@code limits.maxSteps} narrowed by the run's {@code spec.maxSteps}.
     */
    public static Policy forRun(Policy policy, AgentRun run) {
        Policy p = inCluster(policy);
        Integer maxSteps = run.spec().maxSteps();
        if (maxSteps != null && maxSteps < p.limits().maxSteps()) {
            p = p.withLimits(new Policy.Limits(maxSteps, p.limits().maxTokens(), p.limits().maxToolOutputBytes()));
        }
        return p;
    }

    /**
     * The policy as the cluster runs it: network made explicit (unset is off). Its version is the one
     * the Policy's status shows and the runtime reports, for every run that does not narrow it further.
     */
    public static Policy inCluster(Policy policy) {
        return policy.withNetwork(new Policy.Network(policy.network().allowed(), policy.network().allowHosts()));
    }

    /** The file's text: a header that says where it came from (and the reload request, so that a reload changes the file), then the policy. */
    public static String render(Policy policy, AgentRun run, PolicyResource source) {
        StringBuilder text = new StringBuilder();
        text.append("# Rendered by dev-agent-operator for AgentRun ").append(run.getMetadata().getNamespace()).append('/')
                .append(run.getMetadata().getName()).append(" from ");
        if (source == null) {
            text.append("the default policy (no spec.policyRef).\n");
        } else {
            text.append("Policy ").append(source.getMetadata().getName()).append(" (generation ")
                    .append(source.getMetadata().getGeneration()).append(").\n");
            if (source.reloadRequest() != null) {
                text.append("# Reload request: ").append(source.reloadRequest().replaceAll("[\\r\\n]", " ")).append('\n');
            }
        }
        text.append("# Edits here are overwritten; change the Policy instead.\n");
        text.append(yaml(policy));
        return text.toString();
    }

    static String yaml(Policy policy) {
        try {
            return YAML.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the policy as YAML", e);
        }
    }
}
