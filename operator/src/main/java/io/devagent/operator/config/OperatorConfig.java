package io.devagent.operator.config;

import io.devagent.config.Environment;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, from its environment:
 * <ul>
 *   <li>{@code OPERATOR_SERVER_SIDE_APPLY} (default {@code true}): server-side apply for status
 *       patches and children; {@code false} for API servers that lack it, such as test mocks;</li>
 *   <li>{@code OPERATOR_RUNTIME_IMAGE}: the runtime pods' image when an AgentRun names none;</li>
 *   <li>{@code OPERATOR_NAMESPACES}: comma-separated namespaces to watch (default: all);</li>
 *   <li>{@code OPERATOR_LEADER_ELECTION} (default {@code true}) and {@code OPERATOR_LEASE_NAMESPACE}
 *       (default {@code POD_NAMESPACE}, else the client's namespace): one active replica of several;</li>
 *   <li>{@code OPERATOR_HTTP_PORT} (default 8080): {@code /healthz}, {@code /readyz}, {@code /metrics};
 *       {@code 0} picks a free port, {@code -1} serves none;</li>
 *   <li>{@code OPERATOR_MAX_RESTARTS} (default 10): how many times a run's pod is replaced before the run fails;</li>
 *   <li>{@code OPERATOR_APISERVER_CIDRS}: the API server's addresses for the runs' NetworkPolicies (the
 *       runtime reports progress to it); default: read from the {@code default/kubernetes} Endpoints;</li>
 *   <li>{@code OPERATOR_RUNTIME_USER} (default 10001): the uid and gid runtime pods run as;</li>
 *   <li>{@code POD_NAME} (else {@code HOSTNAME}): this replica's identity in the lease;</li>
 *   <li>{@code OPERATOR_MODEL_*}: the model of AgentRuns that name none ({@link DefaultModel}).</li>
 * </ul>
 */
public record OperatorConfig(boolean serverSideApply, String runtimeImage, Set<String> namespaces, boolean leaderElection,
                             String leaseNamespace, int httpPort, int maxRestarts, List<String> apiServerCidrs,
                             long runtimeUser, Duration restartBackoffCap, String identity, Duration leaseDuration,
                             boolean exitOnLostLease, DefaultModel defaultModel) {

    public static final String DEFAULT_IMAGE = "ghcr.io/dev-agent/dev-agent:latest";

    public static OperatorConfig from(Environment env) {
        return new OperatorConfig(
                env.flag("OPERATOR_SERVER_SIDE_APPLY", true),
                env.get("OPERATOR_RUNTIME_IMAGE", DEFAULT_IMAGE),
                env.get("OPERATOR_NAMESPACES").map(OperatorConfig::csv).map(Set::copyOf).orElse(Set.of()),
                env.flag("OPERATOR_LEADER_ELECTION", true),
                env.get("OPERATOR_LEASE_NAMESPACE").or(() -> env.get("POD_NAMESPACE")).orElse(null),
                (int) env.number("OPERATOR_HTTP_PORT", 8080),
                (int) env.number("OPERATOR_MAX_RESTARTS", 10),
                env.get("OPERATOR_APISERVER_CIDRS").map(OperatorConfig::csv).orElse(null),
                env.number("OPERATOR_RUNTIME_USER", 10001),
                Duration.ofSeconds(env.number("OPERATOR_RESTART_BACKOFF_CAP_SECONDS", 60)),
                env.get("POD_NAME").or(() -> env.get("HOSTNAME")).orElseGet(() -> "dev-agent-operator-" + java.util.UUID.randomUUID()),
                Duration.ofSeconds(15),
                true,
                DefaultModel.from(env));
    }

    /** For tests: no server-side apply, no leader election, no HTTP port. */
    public static OperatorConfig forTests(String image) {
        return new OperatorConfig(false, image, Set.of(), false, null, -1, 10, null, 10001, Duration.ofSeconds(60),
                "test-" + java.util.UUID.randomUUID(), Duration.ofSeconds(15), false, DefaultModel.NONE);
    }

    public OperatorConfig withApiServerCidrs(List<String> cidrs) {
        return new OperatorConfig(serverSideApply, runtimeImage, namespaces, leaderElection, leaseNamespace, httpPort, maxRestarts,
                cidrs, runtimeUser, restartBackoffCap, identity, leaseDuration, exitOnLostLease, defaultModel);
    }

    public OperatorConfig withMaxRestarts(int max) {
        return new OperatorConfig(serverSideApply, runtimeImage, namespaces, leaderElection, leaseNamespace, httpPort, max,
                apiServerCidrs, runtimeUser, restartBackoffCap, identity, leaseDuration, exitOnLostLease, defaultModel);
    }

    public OperatorConfig withHttpPort(int port) {
        return new OperatorConfig(serverSideApply, runtimeImage, namespaces, leaderElection, leaseNamespace, port, maxRestarts,
                apiServerCidrs, runtimeUser, restartBackoffCap, identity, leaseDuration, exitOnLostLease, defaultModel);
    }

    /** Leader election in {@code namespace} as {@code identity}, with a short lease (tests). */
    public OperatorConfig withLeaderElection(String namespace, String identity, Duration lease) {
        return new OperatorConfig(serverSideApply, runtimeImage, namespaces, true, namespace, httpPort, maxRestarts,
                apiServerCidrs, runtimeUser, restartBackoffCap, identity, lease, exitOnLostLease, defaultModel);
    }

    /** With {@code model} as the default of AgentRuns that name none (tests; the chart sets it through the environment). */
    public OperatorConfig withDefaultModel(DefaultModel model) {
        return new OperatorConfig(serverSideApply, runtimeImage, namespaces, leaderElection, leaseNamespace, httpPort, maxRestarts,
                apiServerCidrs, runtimeUser, restartBackoffCap, identity, leaseDuration, exitOnLostLease, model);
    }

    private static List<String> csv(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }
}
