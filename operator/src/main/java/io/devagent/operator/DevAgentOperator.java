package io.devagent.operator;

import io.devagent.config.Environment;
import io.devagent.operator.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The dev-agent operator: {@code java -jar operator/target/dev-agent-operator.jar}. It finds its
 * cluster as kubectl does (kubeconfig, in-cluster service account, or {@code KUBERNETES_MASTER})
 * and reconciles AgentRuns and Policies; see {@link OperatorConfig} for its settings.
 */
public final class DevAgentOperator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DevAgentOperator.class);
    public static final String LEASE_NAME = "dev-agent-operator";

    private final Operator operator;
    private final HttpEndpoints http;
    private final AtomicBoolean leading;

    private DevAgentOperator(Operator operator, HttpEndpoints http, AtomicBoolean leading) {
        this.operator = operator;
        this.http = http;
        this.leading = leading;
    }

    public static void main(String[] args) throws Exception {
        OperatorConfig config = OperatorConfig.from(Environment.system());
        KubernetesClient client = new KubernetesClientBuilder().build();
        LOG.info("dev-agent operator: cluster {}, server-side apply {}, runtime image {}, namespaces {}, leader election {}",
                client.getConfiguration().getMasterUrl(), config.serverSideApply(), config.runtimeImage(),
                config.namespaces().isEmpty() ? "all" : config.namespaces(), config.leaderElection());
        CountDownLatch stopped = new CountDownLatch(1);
        DevAgentOperator operator;
        try {
            operator = start(client, config);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            LOG.error("cannot start: {} ({}: {}); is the API server at {} reachable, and are the CRDs in crds/ applied?",
                    e.getMessage(), root.getClass().getSimpleName(), root.getMessage(), client.getConfiguration().getMasterUrl());
            client.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.close();
            stopped.countDown();
        }, "operator-shutdown"));
        stopped.await();
    }

    /** Starts the operator on {@code client}: the controllers (at once, or when this replica wins the lease) and the HTTP port. */
    public static DevAgentOperator start(KubernetesClient client, OperatorConfig config) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        AtomicBoolean leading = new AtomicBoolean(!config.leaderElection());
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    // Per-resource meters would grow with every AgentRun; the aggregate ones are what to watch.
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                    .withUseSSAToPatchPrimaryResource(config.serverSideApply())
                    .withSSABasedCreateUpdateMatchForDependentResources(config.serverSideApply())
                    .withCloseClientOnStop(false)
                    .withDependentResourceFactory(new DependentFactory(config));
            if (config.leaderElection()) {
                Duration lease = config.leaseDuration();
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE_NAME, config.leaseNamespace(),
                        lease, lease.multipliedBy(2).dividedBy(3), lease.dividedBy(5), config.identity(),
                        new LeaderCallbacks(() -> {
                            leading.set(true);
                            LOG.info("leading: this replica reconciles now");
                        }, () -> {
                            leading.set(false);
                            LOG.info("lost the lease; stopping");
                        }, leader -> LOG.info("the leader is {}", leader)),
                        // A replica that loses the lease exits, and Kubernetes starts it again as a standby.
                        config.exitOnLostLease()));
            }
        });
        operator.register(new AgentRunReconciler(config), o -> {
            if (!config.namespaces().isEmpty()) {
                o.settingNamespaces(config.namespaces());
            }
        });
        operator.register(new PolicyReconciler(), o -> {
            if (!config.namespaces().isEmpty()) {
                o.settingNamespaces(config.namespaces());
            }
        });
        operator.start();
        HttpEndpoints http = config.httpPort() >= 0 ? HttpEndpoints.start(config.httpPort(), operator, registry, leading::get) : null;
        if (http != null) {
            LOG.info("health on :{}/healthz and /readyz, metrics on /metrics", http.port());
        }
        return new DevAgentOperator(operator, http, leading);
    }

    public Operator operator() {
        return operator;
    }

    /** The HTTP port, or -1 when none is served. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public boolean leading() {
        return leading.get();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        operator.stop();
    }
}
