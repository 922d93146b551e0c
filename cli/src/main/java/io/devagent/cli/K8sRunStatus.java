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
        return K8sMode.localStatus(status == null ? null : status.getPhase());
    }
}
