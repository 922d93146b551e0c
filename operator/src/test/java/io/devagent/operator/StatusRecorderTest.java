package io.devagent.operator;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A failed reconciliation leaves no status that claims more than is true. */
class StatusRecorderTest {

    @Test
    void anErrorTurnsAReadyRunDegradedAndKeepsTheRest() {
        AgentRun run = new AgentRun();
        run.getMetadata().setName("busy");
        run.getMetadata().setNamespace("agents");
        run.getMetadata().setGeneration(3L);
        AgentRunStatus status = new AgentRunStatus();
        status.setPhase(AgentRunStatus.RUNNING);
        status.setPodName("busy-0");
        status.setConditions(List.of(
                Conditions.of(Conditions.READY, true, "PodRunning", "running in pod busy-0", 3L, null),
                Conditions.of(Conditions.PROGRESSING, true, "PodRunning", "running in pod busy-0", 3L, null),
                Conditions.of(Conditions.DEGRADED, false, "AsExpected", "nothing wrong", 3L, null)));
        run.setStatus(status);

        var control = new StatusRecorder(true).recordError(run, new KubernetesClientException("admission webhook denied the pod"));

        AgentRunStatus recorded = control.getResource().orElseThrow().getStatus();
        assertThat(recorded.getPhase()).isEqualTo(AgentRunStatus.RUNNING);
        assertThat(recorded.getPodName()).isEqualTo("busy-0");
        assertThat(condition(recorded, Conditions.READY).getStatus()).isEqualTo("False");
        assertThat(condition(recorded, Conditions.DEGRADED).getStatus()).isEqualTo("True");
        assertThat(condition(recorded, Conditions.DEGRADED).getMessage()).contains("admission webhook denied the pod");
        assertThat(condition(recorded, Conditions.PROGRESSING).getStatus()).isEqualTo("True");
    }

    @Test
    void theSameErrorAgainWritesNothingNew() {
        AgentRun run = new AgentRun();
        run.getMetadata().setName("busy");
        run.getMetadata().setNamespace("agents");
        StatusRecorder recorder = new StatusRecorder(true);
        var first = recorder.recordError(run, new IllegalStateException("boom"));
        run.setStatus(first.getResource().orElseThrow().getStatus());

        assertThat(recorder.recordError(run, new IllegalStateException("boom")).isDefaultErrorProcessing()).isTrue();
    }

    private static Condition condition(AgentRunStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }
}
