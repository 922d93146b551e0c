package io.devagent.k8s.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What to run, on what, with which model and policy (SPEC.md "Kubernetes"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentRunSpec(
        @Required @Size(min = 1) @JsonPropertyDescription("What the agent should do, e.g. \"Summarize repo\".")
        String goal,
        @JsonPropertyDescription("The repository to work on: cloned from git onto the run's volume, or an existing PVC. "
                + "Absent: an empty workspace on the run's volume.")
        Workspace workspace,
        @JsonPropertyDescription("The OpenAI-compatible model server; absent (or any field of it absent): the operator's default model "
                + "(the chart's model values).")
        Model model,
        @Pattern(Names.DNS_SUBDOMAIN) @JsonPropertyDescription("Name of a Policy in this namespace; absent: the default policy.")
        String policyRef,
        @Min(1) @JsonPropertyDescription("Upper bound on the run's steps; narrows the policy's limits.maxSteps.")
        Integer maxSteps,
        @JsonPropertyDescription("true checkpoints the run (SIGTERM) and removes its pod, keeping its volume; false resumes it.")
        Boolean suspend,
        @JsonPropertyDescription("The run's volume, mounted at /state.")
        Storage storage,
        @JsonPropertyDescription("Runtime image; absent: the operator's OPERATOR_RUNTIME_IMAGE.")
        String image,
        @Min(0) @JsonPropertyDescription("Retry generation: raise it (e.g. 0 to 1) to run a Failed run again from its last checkpoint.")
        Integer retry) {

    static final AgentRunSpec EMPTY = new AgentRunSpec(null, null, null, null, null, null, null, null, null);

    /** Without a retry generation (a run not retried yet). */
    public AgentRunSpec(String goal, Workspace workspace, Model model, String policyRef, Integer maxSteps, Boolean suspend,
                        Storage storage, String image) {
        this(goal, workspace, model, policyRef, maxSteps, suspend, storage, image, null);
    }

    /** The same spec, another retry generation. */
    public AgentRunSpec withRetry(int generation) {
        return new AgentRunSpec(goal, workspace, model, policyRef, maxSteps, suspend, storage, image, generation);
    }

    /** Where the workspace comes from: exactly one of git and pvc, or neither. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!(has(self.git) && has(self.pvc))", message = "give workspace.git or workspace.pvc, not both")
    public record Workspace(Git git, Pvc pvc) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Git(
            @Required @Size(min = 1) @JsonPropertyDescription("Repository URL to clone.") String url,
            @JsonPropertyDescription("Branch, tag or commit to check out; absent: the default branch.") String ref,
            @JsonPropertyDescription("Where the result goes: when the run succeeds, its change is committed on this branch "
                    + "and pushed to the repository (url). Absent: the change stays on the run's volume.")
            Push push) {

        public Git(String url, String ref) {
            this(url, ref, null);
        }
    }

    /** The branch a succeeded run's change is pushed to, and the credentials for the push. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Push(
            @Required @Size(min = 1) @Pattern("^[A-Za-z0-9._/-]+$")
            @JsonPropertyDescription("Branch to commit the change on and push, e.g. dev-agent/fix-readme.") String branch,
            @JsonPropertyDescription("Secret (kubernetes.io/basic-auth: keys username and password, the password may be a "
                    + "token) with the credentials for an HTTP(S) push; absent: the repository takes pushes without them.")
            SecretRef secretRef) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SecretRef(@Required @Pattern(Names.DNS_SUBDOMAIN) String name) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pvc(
            @Required @Pattern(Names.DNS_SUBDOMAIN) @JsonPropertyDescription("An existing PersistentVolumeClaim in this namespace.") String claimName,
            @JsonPropertyDescription("Directory inside the claim to use as the workspace.") String subPath) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(
            @Pattern("^https?://.+") @JsonPropertyDescription("OpenAI-compatible base URL, e.g. http://lm-studio.models:1234/v1; "
                    + "absent: the operator's default.")
            String baseUrl,
            @JsonPropertyDescription("Model name; absent: the first of GET /models.") String name,
            @JsonPropertyDescription("Secret key holding the API key (LLM_API_KEY).") SecretKeyRef apiKeySecretRef) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SecretKeyRef(@Required @Pattern(Names.DNS_SUBDOMAIN) String name, @Required @Size(min = 1) String key) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Storage(
            @Pattern(Names.QUANTITY) @JsonPropertyDescription("Size of the state volume; default 1Gi.") String size,
            @JsonPropertyDescription("Storage class; absent: the cluster's default.") String storageClassName) {
    }
}
