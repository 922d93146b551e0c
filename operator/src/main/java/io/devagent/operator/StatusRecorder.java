package io.devagent.operator;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.operator.dependent.RunPolicy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

import java.util.List;
import java.util.Optional;

/**
 * Writes the controller's part of an AgentRun's status: phase, pod, attempt, policy version and the
 * Ready, Progressing and Degraded conditions. The runtime's own fields (step, tokens, activity) are
 * left to the runtime. A status equal to the last one is not written again.
 */
final class StatusRecorder {

    private final boolean serverSideApply;

    StatusRecorder(boolean serverSideApply) {
        this.serverSideApply = serverSideApply;
    }

    /** The status after a reconciliation, as the control that patches it (or leaves it). */
    UpdateControl<AgentRun> record(AgentRun run, AgentRunStatus previous, Outcome outcome, List<String> problems, RunPolicy.Choice policy,
                                   String policyVersion) {
        AgentRunStatus next = status(run, previous, outcome, problems, policy, policyVersion);
        UpdateControl<AgentRun> control = unchanged(next, previous) ? UpdateControl.noUpdate() : UpdateControl.patchStatus(patch(run, next, previous));
        if (outcome.requeue() != null) {
            control.rescheduleAfter(outcome.requeue());
        }
        return control;
    }

    /**
     * The status after a reconciliation that failed (the API server refused a child, say): Degraded
     * with the error, Ready false, the rest as it was, so that no status claims more than is true.
     * JOSDK retries the reconciliation as usual.
     */
    ErrorStatusUpdateControl<AgentRun> recordError(AgentRun run, Exception error) {
        AgentRunStatus previous = Optional.ofNullable(run.getStatus()).orElseGet(AgentRunStatus::new);
        AgentRunStatus next = previous.controllerFields();
        Long generation = run.getMetadata().getGeneration();
        String message = "reconciling failed: " + Optional.ofNullable(error.getMessage()).orElse(error.getClass().getSimpleName())
                + "; the controller retries";
        List<Condition> conditions = previous.getConditions();
        String reason = "ReconcileError";
        next.setConditions(List.of(
                Conditions.of(Conditions.READY, false, reason, message, generation, conditions),
                Conditions.of(Conditions.PROGRESSING, Conditions.isTrue(conditions, Conditions.PROGRESSING), reason, message, generation, conditions),
                Conditions.of(Conditions.DEGRADED, true, reason, message, generation, conditions)));
        if (unchanged(next, previous)) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        return ErrorStatusUpdateControl.patchStatus(patch(run, next, previous));
    }

    private static boolean unchanged(AgentRunStatus next, AgentRunStatus previous) {
        return Serialization.asJson(next.controllerFields()).equals(Serialization.asJson(previous.controllerFields()));
    }

    private AgentRun patch(AgentRun run, AgentRunStatus next, AgentRunStatus previous) {
        AgentRun patch = new AgentRun();
        patch.getMetadata().setName(run.getMetadata().getName());
        patch.getMetadata().setNamespace(run.getMetadata().getNamespace());
        // With server-side apply the patch holds the controller's fields only (field managers keep the runtime's apart);
        // without it, JOSDK sends a JSON patch against the status it read, so the runtime's fields are carried over unchanged.
        patch.setStatus(serverSideApply ? next.controllerFields() : next.controllerFields().withRuntimeFieldsOf(previous));
        return patch;
    }

    private static AgentRunStatus status(AgentRun run, AgentRunStatus previous, Outcome outcome, List<String> problems,
                                         RunPolicy.Choice policy, String policyVersion) {
        Long generation = run.getMetadata().getGeneration();
        AgentRunStatus status = new AgentRunStatus();
        status.setPhase(outcome.phase());
        status.setPodName(outcome.podName());
        status.setRestarts(outcome.attempt() == 0 && previous.getRestarts() == null ? null : outcome.attempt());
        status.setPolicyVersion(policyVersion);
        status.setObservedGeneration(generation);
        status.setObservedRetry(FailedRunRetry.observed(run, previous, outcome.reason()));
        String degradedReason;
        String degradedMessage;
        if (!problems.isEmpty()) {
            degradedReason = "InvalidSpec";
            degradedMessage = String.join("; ", problems);
        } else if (policy.problem() != null) {
            degradedReason = policy.reason();
            degradedMessage = policy.problem() + (policyVersion == null ? "" : "; the run keeps policy version " + policyVersion);
        } else if (AgentRunStatus.FAILED.equals(outcome.phase())) {
            degradedReason = outcome.reason() == null ? "RunFailed" : outcome.reason();
            degradedMessage = outcome.message();
        } else {
            degradedReason = null;
            degradedMessage = null;
        }
        String message = outcome.message();
        if (degradedMessage != null && !degradedMessage.equals(message) && !outcome.phase().equals(AgentRunStatus.SUCCEEDED)) {
            message = message == null ? degradedMessage : message + "; " + degradedMessage;
        }
        status.setMessage(message);
        String phase = outcome.phase();
        boolean active = AgentRunStatus.PENDING.equals(phase) || AgentRunStatus.RUNNING.equals(phase);
        String reason = Optional.ofNullable(outcome.reason()).orElse(phase);
        List<Condition> conditions = previous.getConditions();
        status.setConditions(List.of(
                Conditions.of(Conditions.READY, degradedReason == null
                                && (AgentRunStatus.RUNNING.equals(phase) || AgentRunStatus.SUCCEEDED.equals(phase)),
                        degradedReason != null ? degradedReason : reason, message, generation, conditions),
                Conditions.of(Conditions.PROGRESSING, active, reason, outcome.message(), generation, conditions),
                Conditions.of(Conditions.DEGRADED, degradedReason != null, degradedReason == null ? "AsExpected" : degradedReason,
                        degradedMessage == null ? "nothing wrong" : degradedMessage, generation, conditions)));
        return status;
    }
}
