package io.devagent.operator;

import java.time.Duration;

/** Where a run stands after one reconciliation, before it becomes the status; {@code requeue} when the controller must look again. */
record Outcome(String phase, String reason, String message, int attempt, String podName, Duration requeue) {
}
