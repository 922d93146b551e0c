package io.devagent.k8s.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/**
 * An AgentRun's status. Each field has exactly one writer, so the two never fight:
 * <ul>
 *   <li>the <b>controller</b> (field manager {@value #CONTROLLER_MANAGER}) owns {@code phase},
 *       {@code podName}, {@code message}, {@code restarts}, {@code policyVersion},
 *       {@code observedGeneration} and {@code conditions};</li>
 *   <li>the <b>runtime</b> in the pod (field manager {@value #RUNTIME_MANAGER}) owns {@code runId},
 *       {@code currentStep}, {@code tokens}, {@code answer}, {@code activity}, {@code reportedAt} and {@code push}.</li>
 * </ul>
 * Each writer sends only its own fields: with server-side apply, the field managers keep them apart;
 * without it, the runtime sends a JSON merge patch of its fields and the controller a JSON patch
 * computed against the status it read, in which the runtime's fields are left as they were.
 * Null fields are not serialized, so an object that holds only one writer's fields is that writer's
 * patch.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentRunStatus {

    public static final String CONTROLLER_MANAGER = "dev-agent-operator";
    public static final String RUNTIME_MANAGER = "dev-agent-runtime";

    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String SUSPENDED = "Suspended";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    // --- owned by the controller
    @JsonPropertyDescription("Pending, Running, Suspended, Succeeded or Failed (controller).")
    private String phase;
    @JsonPropertyDescription("The runtime pod of the current attempt (controller).")
    private String podName;
    @JsonPropertyDescription("Why the run is in its phase, in a sentence (controller).")
    private String message;
    @JsonPropertyDescription("How many times a pod that died before the run ended was replaced (controller).")
    private Integer restarts;
    @JsonPropertyDescription("Version (content hash) of the policy rendered into the run's ConfigMap (controller).")
    private String policyVersion;
    @JsonPropertyDescription("The spec.retry generation acted on; a larger spec.retry runs a Failed run again (controller).")
    private Integer observedRetry;
    @JsonPropertyDescription("The generation of the spec this status describes (controller).")
    private Long observedGeneration;
    @JsonPropertyDescription("Ready, Progressing and Degraded, with reason and message (controller).")
    private List<Condition> conditions;

    // --- owned by the runtime
    @JsonPropertyDescription("The run's id in the state directory (runtime).")
    private String runId;
    @JsonPropertyDescription("The last committed step (runtime).")
    private Integer currentStep;
    @JsonPropertyDescription("Total tokens the model reported (runtime).")
    private Long tokens;
    @JsonPropertyDescription("The final answer (runtime).")
    private String answer;
    @JsonPropertyDescription("What the run is doing now, e.g. \"read_file README.md\" (runtime).")
    private String activity;
    @JsonPropertyDescription("When the runtime last reported (runtime).")
    private String reportedAt;
    @JsonPropertyDescription("The branch the run's change was pushed to, its commit and a summary of the change (runtime).")
    private PushStatus push;

    /** Where a succeeded run's change went (spec.workspace.git.push). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PushStatus(
            @JsonPropertyDescription("The branch pushed.") String branch,
            @JsonPropertyDescription("The commit on it that holds the run's change.") String commit,
            @JsonPropertyDescription("Files the change touches.") Integer files,
            @JsonPropertyDescription("Lines added.") Integer insertions,
            @JsonPropertyDescription("Lines removed.") Integer deletions) {
    }

    public PushStatus getPush() {
        return push;
    }

    public void setPush(PushStatus push) {
        this.push = push;
    }

    /** The controller's fields of this status, with the runtime's left null. */
    public AgentRunStatus controllerFields() {
        AgentRunStatus s = new AgentRunStatus();
        s.phase = phase;
        s.podName = podName;
        s.message = message;
        s.restarts = restarts;
        s.observedRetry = observedRetry;
        s.policyVersion = policyVersion;
        s.observedGeneration = observedGeneration;
        s.conditions = conditions == null ? null : new ArrayList<>(conditions);
        return s;
    }

    /** Copies the runtime's fields from {@code other} into this status (null stays null). */
    public AgentRunStatus withRuntimeFieldsOf(AgentRunStatus other) {
        if (other != null) {
            runId = other.runId;
            currentStep = other.currentStep;
            tokens = other.tokens;
            answer = other.answer;
            activity = other.activity;
            reportedAt = other.reportedAt;
            push = other.push;
        }
        return this;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public String getPodName() {
        return podName;
    }

    public void setPodName(String podName) {
        this.podName = podName;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Integer getObservedRetry() {
        return observedRetry;
    }

    public void setObservedRetry(Integer observedRetry) {
        this.observedRetry = observedRetry;
    }

    public Integer getRestarts() {
        return restarts;
    }

    public void setRestarts(Integer restarts) {
        this.restarts = restarts;
    }

    public String getPolicyVersion() {
        return policyVersion;
    }

    public void setPolicyVersion(String policyVersion) {
        this.policyVersion = policyVersion;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getRunId() {
        return runId;
    }

    public void setRunId(String runId) {
        this.runId = runId;
    }

    public Integer getCurrentStep() {
        return currentStep;
    }

    public void setCurrentStep(Integer currentStep) {
        this.currentStep = currentStep;
    }

    public Long getTokens() {
        return tokens;
    }

    public void setTokens(Long tokens) {
        this.tokens = tokens;
    }

    public String getAnswer() {
        return answer;
    }

    public void setAnswer(String answer) {
        this.answer = answer;
    }

    public String getActivity() {
        return activity;
    }

    public void setActivity(String activity) {
        this.activity = activity;
    }

    public String getReportedAt() {
        return reportedAt;
    }

    public void setReportedAt(String reportedAt) {
        this.reportedAt = reportedAt;
    }

    /** The condition of this type, if the status has one. */
    public java.util.Optional<Condition> condition(String type) {
        return conditions == null ? java.util.Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public boolean finished() {
        return SUCCEEDED.equals(phase) || FAILED.equals(phase);
    }
}
