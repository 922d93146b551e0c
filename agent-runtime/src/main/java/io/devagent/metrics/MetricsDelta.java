package io.devagent.metrics;

import io.devagent.model.Tokens;

import java.util.HashMap;
import java.util.Map;

/** What one process recorded since its last flush, to be added to {@code metrics.json}. */
final class MetricsDelta {

    record Tool(long count, double totalMs, double maxMs, Map<Double, Double> buckets) {
    }

    final Map<String, Tool> tools = new HashMap<>();
    final Map<String, Tokens> runTokens = new HashMap<>();
    final Map<String, Long> errors = new HashMap<>();
}
