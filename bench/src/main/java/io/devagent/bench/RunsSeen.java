package io.devagent.bench;

import io.devagent.k8s.api.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * When the benchmark's informers first see each run's pod and PVC (by their {@code agent-run}
 * label): a run is done when both are there, as a client of the cluster would see it.
 */
final class RunsSeen implements AutoCloseable {

    private final Map<String, Long> podSeen = new ConcurrentHashMap<>();
    private final Map<String, Long> pvcSeen = new ConcurrentHashMap<>();
    private final Map<String, Boolean> finished = new ConcurrentHashMap<>();
    private final CountDownLatch done;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    RunsSeen(KubernetesClient client, String namespace, int runs) {
        done = new CountDownLatch(runs);
        informers.add(client.pods().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                .inform(handler(podSeen, pvcSeen)));
        informers.add(client.persistentVolumeClaims().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                .inform(handler(pvcSeen, podSeen)));
    }

    boolean await(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** When the run's pod and PVC had both been seen (System.nanoTime), or null. */
    Long doneAt(String run) {
        Long pod = podSeen.get(run);
        Long pvc = pvcSeen.get(run);
        return pod == null || pvc == null ? null : Math.max(pod, pvc);
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler(Map<String, Long> mine, Map<String, Long> other) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                String run = resource.getMetadata().getLabels().get(Labels.AGENT_RUN);
                mine.putIfAbsent(run, System.nanoTime());
                if (other.containsKey(run) && finished.putIfAbsent(run, true) == null) {
                    done.countDown();
                }
            }

            @Override
            public void onUpdate(T old, T resource) {
            }

            @Override
            public void onDelete(T resource, boolean unknownFinalState) {
            }
        };
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
