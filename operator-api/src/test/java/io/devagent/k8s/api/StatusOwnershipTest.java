package io.devagent.k8s.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each writer of an AgentRun's status sends only its own fields. */
class StatusOwnershipTest {

    static AgentRunStatus full() {
        AgentRunStatus s = new AgentRunStatus();
        s.setPhase("Running");
        s.setPodName("r-0");
        s.setMessage("running in pod r-0");
        s.setRestarts(0);
        s.setPolicyVersion("abc");
        s.setObservedGeneration(2L);
        s.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").build()));
        s.setRunId("r");
        s.setCurrentStep(3);
        s.setTokens(1234L);
        s.setAnswer("done");
        s.setActivity("read_file README.md");
        s.setReportedAt("2026-11-24T00:00:00Z");
        return s;
    }

    @Test
    void theControllersPatchHoldsTheControllersFieldsOnly() throws Exception {
        AgentRun patch = new AgentRun();
        patch.getMetadata().setName("r");
        patch.getMetadata().setNamespace("agents");
        patch.setStatus(full().controllerFields());

        JsonNode json = Serialization.jsonMapper().readTree(Serialization.asJson(patch));

        assertThat(json.path("apiVersion").asText()).isEqualTo("devagent.io/v1alpha1");
        assertThat(json.path("kind").asText()).isEqualTo("AgentRun");
        assertThat(json.has("spec")).as("no spec in a status patch").isFalse();
        assertThat(iterable(json.path("status").fieldNames())).containsExactlyInAnyOrder(
                "phase", "podName", "message", "restarts", "policyVersion", "observedGeneration", "conditions");
    }

    @Test
    void runtimeFieldsAreCarriedOverOnlyWhenAskedFor() {
        AgentRunStatus controller = full().controllerFields();
        assertThat(controller.getRunId()).isNull();
        assertThat(controller.getAnswer()).isNull();

        AgentRunStatus merged = controller.withRuntimeFieldsOf(full());

        assertThat(merged.getCurrentStep()).isEqualTo(3);
        assertThat(merged.getTokens()).isEqualTo(1234L);
        assertThat(merged.getAnswer()).isEqualTo("done");
        assertThat(merged.getPhase()).isEqualTo("Running");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
