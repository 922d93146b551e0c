package io.devagent.k8s.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.List;

/** A Policy's status, written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyStatus {

    @JsonPropertyDescription("The policy's version: a hash of its content, the same the runtime reports.")
    private String version;
    @JsonPropertyDescription("Why the policy is rejected, when it is.")
    private String message;
    @JsonPropertyDescription("The last reload request (devagent.io/reload-requested) the operator has acted on.")
    private String reloaded;
    @JsonPropertyDescription("The generation of the spec this status describes.")
    private Long observedGeneration;
    @JsonPropertyDescription("Ready (the policy is valid and in use) and Degraded (it is rejected).")
    private List<Condition> conditions;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getReloaded() {
        return reloaded;
    }

    public void setReloaded(String reloaded) {
        this.reloaded = reloaded;
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
}
