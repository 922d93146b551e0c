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
    /** A run's whole count so far (from its journal): applied as "at least this much", so a crash and resume count it once. */
    final Map<String, Tokens> runTotals = new HashMap<>();
    final Map<String, Long> errors = new HashMap<>();
}
