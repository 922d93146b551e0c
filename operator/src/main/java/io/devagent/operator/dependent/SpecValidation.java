package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.k8s.api.Names;
import io.devagent.operator.config.DefaultModel;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of an AgentRun's spec that the reconciler makes itself: the CRD's schema states most of
 * them, but not every API server enforces a schema (test mocks do not), and some cannot be said in a
 * schema. Each problem is one sentence naming the field.
 */
public final class SpecValidation {

    private SpecValidation() {
    }

    public static List<String> problems(AgentRun run) {
        return problems(run, DefaultModel.NONE);
    }

    /**
     * The problems whatever model the operator gives by default: the workflow's conditions that do not make
     * the pod ask this (they cannot see the operator's settings); the pod's condition and the controller
     * ask with the default itself.
     */
    public static List<String> problemsBesidesModel(AgentRun run) {
        return problems(run, DefaultModel.ANY);
    }

    /** The problems of the run's spec; a model it does not name comes from {@code defaults} when the operator has one. */
    public static List<String> problems(AgentRun run, DefaultModel defaults) {
        List<String> problems = new ArrayList<>();
        String name = run.getMetadata().getName();
        if (name.length() > Children.MAX_NAME) {
            problems.add("metadata.name is " + name.length() + " characters long; an AgentRun's name can have at most "
                    + Children.MAX_NAME + " (its pods, volume and labels are named after it)");
        }
        AgentRunSpec spec = run.getSpec();
        if (spec == null) {
            problems.add("spec is missing; an AgentRun needs at least spec.goal (and spec.model.baseUrl when the operator has no default model)");
            return problems;
        }
        if (spec.goal() == null || spec.goal().isBlank()) {
            problems.add("spec.goal is required: what the agent should do");
        }
        AgentRunSpec.Model model = defaults.effective(spec.model());
        if (model == null || model.baseUrl() == null) {
            problems.add("spec.model.baseUrl is required: the OpenAI-compatible server the run uses "
                    + "(or give the operator a default model: the chart's model.baseUrl)");
        } else if (!validHttpUrl(model.baseUrl())) {
            problems.add((spec.model() != null && spec.model().baseUrl() != null ? "spec.model.baseUrl '" : "the operator's default model URL '")
                    + model.baseUrl() + "' is not an http(s) URL");
        }
        if (spec.model() != null && spec.model().apiKeySecretRef() != null) {
            AgentRunSpec.SecretKeyRef ref = spec.model().apiKeySecretRef();
            if (ref.name() == null || !ref.name().matches(Names.DNS_SUBDOMAIN) || ref.key() == null || ref.key().isBlank()) {
                problems.add("spec.model.apiKeySecretRef needs the name of a Secret and a key in it");
            }
        }
        if (spec.workspace() != null) {
            if (spec.workspace().git() != null && spec.workspace().pvc() != null) {
                problems.add("spec.workspace has both git and pvc; give one");
            }
            if (spec.workspace().git() != null && (spec.workspace().git().url() == null || spec.workspace().git().url().isBlank())) {
                problems.add("spec.workspace.git.url is required");
            }
            if (spec.workspace().pvc() != null) {
                String claim = spec.workspace().pvc().claimName();
                if (claim == null || !claim.matches(Names.DNS_SUBDOMAIN)) {
                    problems.add("spec.workspace.pvc.claimName must name a PersistentVolumeClaim in this namespace");
                }
                String sub = spec.workspace().pvc().subPath();
                if (sub != null && (sub.startsWith("/") || List.of(sub.split("/")).contains(".."))) {
                    problems.add("spec.workspace.pvc.subPath must be a relative path inside the claim, without '..'");
                }
            }
        }
        if (spec.policyRef() != null && !spec.policyRef().matches(Names.DNS_SUBDOMAIN)) {
            problems.add("spec.policyRef '" + spec.policyRef() + "' is not a valid Policy name");
        }
        if (spec.maxSteps() != null && spec.maxSteps() < 1) {
            problems.add("spec.maxSteps must be at least 1, not " + spec.maxSteps());
        }
        if (spec.storage() != null && spec.storage().size() != null && !spec.storage().size().matches(Names.QUANTITY)) {
            problems.add("spec.storage.size '" + spec.storage().size() + "' is not a size such as 1Gi or 500Mi");
        }
        return problems;
    }

    private static boolean validHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
