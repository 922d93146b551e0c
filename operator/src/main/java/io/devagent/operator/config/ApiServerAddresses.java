package io.devagent.operator.config;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the Kubernetes API server is, for the runs' NetworkPolicies: NetworkPolicies apply after the
 * Service's address is translated, so the {@code kubernetes} Service's endpoints are what a pod
 * reaches. Read from {@code default/kubernetes} (cached for a few minutes), or given as
 * {@code OPERATOR_APISERVER_CIDRS} ({@code CIDR[:PORT]}, port 443 by default).
 */
public final class ApiServerAddresses {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerAddresses.class);
    private static final Duration TTL = Duration.ofMinutes(5);

    public record Endpoint(String cidr, int port) {
    }

    private final List<Endpoint> configured;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile List<Endpoint> cached;
    private volatile long cachedAt;

    public ApiServerAddresses(List<String> configured) {
        this.configured = configured == null ? null : configured.stream().map(ApiServerAddresses::parse).toList();
    }

    static Endpoint parse(String entry) {
        int colon = entry.lastIndexOf(':');
        boolean hasPort = colon > entry.indexOf('/') && entry.indexOf('/') > 0;
        String cidr = hasPort ? entry.substring(0, colon) : entry;
        return new Endpoint(cidr.contains("/") ? cidr : cidr + (cidr.contains(":") ? "/128" : "/32"),
                hasPort ? Integer.parseInt(entry.substring(colon + 1)) : 443);
    }

    public List<Endpoint> get(KubernetesClient client) {
        if (configured != null) {
            return configured;
        }
        List<Endpoint> now = cached;
        if (now != null && System.nanoTime() - cachedAt < TTL.toNanos()) {
            return now;
        }
        List<Endpoint> found = new ArrayList<>();
        try {
            Endpoints endpoints = client.endpoints().inNamespace("default").withName("kubernetes").get();
            if (endpoints != null && endpoints.getSubsets() != null) {
                endpoints.getSubsets().forEach(subset -> {
                    if (subset.getAddresses() == null || subset.getPorts() == null) {
                        return;
                    }
                    subset.getAddresses().forEach(a -> subset.getPorts().forEach(p ->
                            found.add(new Endpoint(a.getIp() + (a.getIp().contains(":") ? "/128" : "/32"), p.getPort()))));
                });
            }
        } catch (KubernetesClientException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("cannot read the API server's endpoints (default/kubernetes): {}; runs with network off will not reach it "
                        + "to report progress unless OPERATOR_APISERVER_CIDRS is set", e.getMessage());
            }
        }
        cached = List.copyOf(found);
        cachedAt = System.nanoTime();
        return cached;
    }
}
