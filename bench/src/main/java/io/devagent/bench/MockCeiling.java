package io.devagent.bench;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The mock API server's own ceiling: the same objects the operator makes for a run, created by
 * plain client calls with no operator (each run's AgentRun, then its seven children, as copies of
 * one run's), from the same creating threads and watched by the same informers. Its time is the
 * floor under the operator's figure on the same mock; the ratio between them is the operator's cost.
 */
final class MockCeiling {

    /** What the ceiling run took. */
    record Result(double seconds, long requests, double mockBusySeconds, boolean complete) {
    }

    private MockCeiling() {
    }

    /** The children of {@code run}, in the order the operator makes them, as JSON without server-set fields. */
    static List<String> childrenOf(KubernetesClient client, String namespace, String run) {
        List<HasMetadata> children = new ArrayList<>();
        Stream.of(
                client.persistentVolumeClaims().inNamespace(namespace).withLabel(Labels.AGENT_RUN, run).list().getItems(),
                client.serviceAccounts().inNamespace(namespace).withLabel(Labels.AGENT_RUN, run).list().getItems(),
                client.rbac().roles().inNamespace(namespace).withLabel(Labels.AGENT_RUN, run).list().getItems(),
                client.rbac().roleBindings().inNamespace(namespace).withLabel(Labels.AGENT_RUN, run).list().getItems(),
                client.configMaps().inNamespace(namespace).withLabel(Labels.AGENT_RUN, run).list().getItems(),
                client.network().networkPolicies().inNamespace(namespace).withLabel(Labels.AGENT_RUN, run).list().getItems(),
                client.pods().inNamespace(namespace).withLabel(Labels.AGENT_RUN, run).list().getItems())
                .forEach(children::addAll);
        return children.stream().map(child -> {
            ObjectMeta meta = child.getMetadata();
            meta.setUid(null);
            meta.setResourceVersion(null);
            meta.setCreationTimestamp(null);
            meta.setGeneration(null);
            meta.setManagedFields(null);
            return client.getKubernetesSerialization().asJson(child);
        }).toList();
    }

    /**
     * On a new mock server, {@code runs} times: create {@code run.apply(i)}, then {@code children} with
     * {@code template}'s name replaced by the run's and the run's uid in their owner reference.
     */
    static Result measure(Path crds, String namespace, boolean stock, IntFunction<AgentRun> run, String template,
                          List<String> children, int runs, int threads) throws Exception {
        try (ScaleMockServer server = new ScaleMockServer(crds, namespace, stock);
             RunsSeen seen = new RunsSeen(server.client(), namespace, runs)) {
            KubernetesClient client = server.client();
            ExecutorService creators = Executors.newFixedThreadPool(threads);
            server.dispatcher().clearCounts();
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                int index = i;
                creators.submit(() -> {
                    try {
                        AgentRun created = client.resource(run.apply(index)).create();
                        String name = created.getMetadata().getName();
                        for (String child : children) {
                            HasMetadata object = client.getKubernetesSerialization().unmarshal(child.replace(template, name));
                            object.getMetadata().getOwnerReferences().forEach(owner -> owner.setUid(created.getMetadata().getUid()));
                            client.resource(object).create();
                        }
                    } catch (RuntimeException e) {
                        System.err.println("ceiling: run " + index + " failed: " + e);
                    }
                });
            }
            creators.shutdown();
            creators.awaitTermination(10, TimeUnit.MINUTES);
            boolean complete = seen.await(Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(seconds, server.dispatcher().total(), server.dispatcher().busyNanos() / 1e9, complete);
        }
    }

    static String describe(Result result) {
        return String.format(Locale.ROOT, "%.1f s for %,d requests (%.0f/s)%s", result.seconds(), result.requests(),
                result.requests() / result.seconds(), result.complete() ? "" : ", timed out");
    }
}
