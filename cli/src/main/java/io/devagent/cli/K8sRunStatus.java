package io.devagent.cli;

import io.devagent.k8s.api.AgentRunStatus;

/**
 * An AgentRun's status in the words of a local run: {@code interrupted} while the operator replaces a
 * pod that died before the run ended (its Progressing condition says {@code Interrupted}), else the phase's.
 */
final class K8sRunStatus {

    private K8sRunStatus() {
    }

    static String local(AgentRunStatus status) {
        if (status != null && AgentRunStatus.PENDING.equals(status.getPhase())
                && status.condition("Progressing").map(c -> "Interrupted".equals(c.getReason())).orElse(false)) {
            return "interrupted";
        }
        String phase = status == null ? null : status.getPhase();
        if (phase == null) {
            return "running";
        }
        return switch (phase) {
            case AgentRunStatus.SUSPENDED -> "paused";
            case AgentRunStatus.SUCCEEDED -> "succeeded";
            case AgentRunStatus.FAILED -> "failed";
            default -> "running";
        };
    }
}
