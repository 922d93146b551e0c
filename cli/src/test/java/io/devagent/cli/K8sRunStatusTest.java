package io.devagent.cli;

import io.devagent.k8s.api.AgentRunStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@code agent --k8s checkpoints} names an AgentRun's state: a pod that died mid-run shows the run as interrupted. */
class K8sRunStatusTest {

    @Test
    void aRunWhosePodDiedIsInterruptedUntilItsReplacementRuns() {
        AgentRunStatus replacing = new AgentRunStatus();
        replacing.setPhase(AgentRunStatus.PENDING);
        replacing.setConditions(List.of(new ConditionBuilder().withType("Progressing").withStatus("True").withReason("Interrupted")
                .withMessage("interrupted: pod r-0 ended before the run did (exit code 137)").build()));
        assertThat(K8sRunStatus.local(replacing)).isEqualTo("interrupted");

        AgentRunStatus starting = new AgentRunStatus();
        starting.setPhase(AgentRunStatus.PENDING);
        starting.setConditions(List.of(new ConditionBuilder().withType("Progressing").withStatus("True").withReason("PodCreated").build()));
        assertThat(K8sRunStatus.local(starting)).isEqualTo("running");

        AgentRunStatus suspended = new AgentRunStatus();
        suspended.setPhase(AgentRunStatus.SUSPENDED);
        assertThat(K8sRunStatus.local(suspended)).isEqualTo("paused");
        assertThat(K8sRunStatus.local(null)).isEqualTo("running");
    }
}
