package io.devagent.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Standard Kubernetes conditions, whose transition time moves only when their status does. */
final class Conditions {

    static final String READY = "Ready";
    static final String PROGRESSING = "Progressing";
    static final String DEGRADED = "Degraded";

    private Conditions() {
    }

    static Condition of(String type, boolean status, String reason, String message, Long generation, List<Condition> previous) {
        String value = status ? "True" : "False";
        Optional<Condition> before = previous == null ? Optional.empty()
                : previous.stream().filter(c -> type.equals(c.getType())).findFirst();
        String since = before.filter(c -> value.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build();
    }

    static boolean isTrue(List<Condition> conditions, String type) {
        return conditions != null && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
