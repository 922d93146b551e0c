package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.policy.ReloadResult;
import io.devagent.state.PidFile;
import io.devagent.state.RunIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.lang.ref.Reference;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the state directory as Prometheus text, through micrometer. Each scrape
 * builds a fresh registry from {@code metrics.json} and the state view, so a tool or error kind
 * that has been archived away does not linger with a stale value. Names:
 * <pre>
 * agent_tool_latency_seconds_count / _sum {tool}      calls and total time per tool
 * agent_tool_latency_quantile_seconds {tool,quantile} p50 and p95 from the merged histogram
 * agent_tool_latency_max_seconds {tool}
 * agent_tokens_total {kind=prompt|completion|total}   over all runs
 * agent_errors_total {kind}
 * agent_runs {status}                                 runs by status
 * agent_runtime_up                                    1 when a main runtime is alive for the state directory
 * agent_policy_reload_ok, agent_policy_info {version} the main runtime's last policy load
 * agent_metrics_updated_timestamp_seconds             when metrics.json was last merged
 * dashboard_runs_index_refresh_seconds, dashboard_runs_indexed, dashboard_log_streams
 * </pre>
 */
final class PrometheusText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** What one scrape is built from; everything here was read off the event loop. */
    record Inputs(ObjectNode metrics, RunIndex.View runs, Optional<PidFile.Owner> runtime, Optional<ReloadResult> policy,
                  int openStreams) {
    }

    /** A function meter's state object, held strongly until the scrape is written (micrometer keeps only a weak reference). */
    private record Tool(long count, double totalMs) {
    }

    static String scrape(Inputs in) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Object> held = new ArrayList<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = in.metrics().path("tools").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String name = entry.getKey();
                JsonNode t = entry.getValue();
                Tool tool = new Tool(t.path("count").asLong(), t.path("total_ms").asDouble());
                held.add(tool);
                FunctionTimer.builder("agent.tool.latency", tool, Tool::count, Tool::totalMs, TimeUnit.MILLISECONDS)
                        .description("Tool calls and their total time, per tool (metrics.json)")
                        .tag("tool", name).register(registry);
                gauge(registry, "agent.tool.latency.quantile", "Tool latency percentiles from the merged histogram", "seconds",
                        () -> t.path("p50_ms").asDouble() / 1000.0, "tool", name, "quantile", "0.5");
                gauge(registry, "agent.tool.latency.quantile", "Tool latency percentiles from the merged histogram", "seconds",
                        () -> t.path("p95_ms").asDouble() / 1000.0, "tool", name, "quantile", "0.95");
                gauge(registry, "agent.tool.latency.max", "The slowest call of each tool", "seconds",
                        () -> t.path("max_ms").asDouble() / 1000.0, "tool", name);
            }
            JsonNode overall = in.metrics().path("tokens").path("overall");
            for (String kind : List.of("prompt", "completion", "total")) {
                Counter.builder("agent.tokens").description("Tokens the model reported in usage, over all runs")
                        .tag("kind", kind).register(registry).increment(overall.path(kind).asDouble());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = in.metrics().path("errors").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                Counter.builder("agent.errors").description("Errors by kind (metrics.json)").tag("kind", entry.getKey())
                        .register(registry).increment(entry.getValue().asDouble());
            }
            in.runs().counts().forEach((status, n) ->
                    gauge(registry, "agent.runs", "Runs in the state directory by status", null, () -> n, "status", status));
            gauge(registry, "agent.runtime.up", "1 when a main runtime is alive for the state directory (agent.pid)", null,
                    () -> in.runtime().isPresent() ? 1 : 0);
            in.policy().ifPresent(status -> {
                gauge(registry, "agent.policy.reload.ok", "1 when the main runtime's last policy load was accepted", null,
                        () -> status.ok() ? 1 : 0);
                if (status.version() != null) {
                    gauge(registry, "agent.policy.info", "The policy version in force in the main runtime", null, () -> 1,
                            "version", status.version());
                }
            });
            updatedAt(in.metrics()).ifPresent(at -> gauge(registry, "agent.metrics.updated.timestamp",
                    "When metrics.json was last merged", "seconds", () -> at.toEpochMilli() / 1000.0));
            gauge(registry, "dashboard.runs.index.refresh", "How long the dashboard's last run-index refresh took", "seconds",
                    () -> in.runs().refreshNanos() / 1e9);
            gauge(registry, "dashboard.runs.indexed", "Runs in the dashboard's index", null, () -> in.runs().runs().size());
            gauge(registry, "dashboard.log.streams", "Live log streams open", null, in::openStreams);
            return registry.scrape();
        } finally {
            Reference.reachabilityFence(held);
            registry.close();
        }
    }

    private static void gauge(PrometheusMeterRegistry registry, String name, String description, String unit,
                              Supplier<Number> value, String... tags) {
        Gauge.Builder<Supplier<Number>> builder = Gauge.builder(name, value).description(description).tags(tags).strongReference(true);
        if (unit != null) {
            builder.baseUnit(unit);
        }
        builder.register(registry);
    }

    private static Optional<Instant> updatedAt(ObjectNode metrics) {
        String text = metrics.path("updated_at").asText(null);
        try {
            return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
