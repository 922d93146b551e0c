package io.devagent.operator;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.k8s.api.PolicyStatus;
import io.devagent.operator.dependent.PolicyRendering;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

import java.util.List;
import java.util.Optional;

/**
 * Checks each Policy with the runtime's own loader and says so in its status: its version, Ready or
 * Degraded with the loader's message, and the last reload request acted on. The runs that reference
 * a Policy are re-rendered by {@link AgentRunReconciler}, which watches Policies too. Not
 * generation-aware: a reload request is an annotation, which does not bump the generation.
 */
@ControllerConfiguration(name = PolicyReconciler.NAME, fieldManager = AgentRunStatus.CONTROLLER_MANAGER,
        generationAwareEventProcessing = false)
public final class PolicyReconciler implements Reconciler<PolicyResource> {

    public static final String NAME = "policy";

    @Override
    public UpdateControl<PolicyResource> reconcile(PolicyResource policy, Context<PolicyResource> context) {
        PolicyStatus previous = Optional.ofNullable(policy.getStatus()).orElseGet(PolicyStatus::new);
        Long generation = policy.getMetadata().getGeneration();
        PolicyStatus status = new PolicyStatus();
        status.setObservedGeneration(generation);
        status.setReloaded(policy.reloadRequest());
        switch (PolicyRendering.check(policy)) {
            case PolicyRendering.Checked.Valid valid -> {
                String version = PolicyRendering.inCluster(valid.policy()).version();
                status.setVersion(version);
                status.setConditions(List.of(
                        Conditions.of(Conditions.READY, true, "Valid", "the policy is valid; runs that reference it use version "
                                + version, generation, previous.getConditions()),
                        Conditions.of(Conditions.DEGRADED, false, "AsExpected", "nothing wrong", generation, previous.getConditions())));
            }
            case PolicyRendering.Checked.Invalid invalid -> {
                status.setVersion(previous.getVersion());
                status.setMessage(invalid.message());
                String keep = previous.getVersion() == null ? "runs that reference it wait for a valid policy"
                        : "runs that reference it keep version " + previous.getVersion();
                status.setConditions(List.of(
                        Conditions.of(Conditions.READY, false, "Invalid", invalid.message() + "; " + keep, generation, previous.getConditions()),
                        Conditions.of(Conditions.DEGRADED, true, "Invalid", invalid.message(), generation, previous.getConditions())));
            }
        }
        if (Serialization.asJson(status).equals(Serialization.asJson(previous))) {
            return UpdateControl.noUpdate();
        }
        PolicyResource patch = new PolicyResource();
        patch.getMetadata().setName(policy.getMetadata().getName());
        patch.getMetadata().setNamespace(policy.getMetadata().getNamespace());
        patch.setStatus(status);
        return UpdateControl.patchStatus(patch);
    }
}
