package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.devagent.k8s.api.Labels;
import io.devagent.operator.config.ApiServerAddresses;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * With network off in the run's policy, the run's pods may reach only DNS, the model endpoint and
 * the Kubernetes API server (where the runtime reports progress). A NetworkPolicy cannot name a host,
 * so the model endpoint is pinned as well as its URL allows: an IP address to that address, an
 * in-cluster Service name ({@code svc.ns}, {@code *.svc}, {@code *.svc.cluster.local}, or a bare name
 * in the run's namespace) to that namespace, any other host name to its port only.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECTOR))
public final class EgressPolicyDependent extends CRUDKubernetesDependentResource<NetworkPolicy, AgentRun> {

    private final ApiServerAddresses apiServer;

    public EgressPolicyDependent(ApiServerAddresses apiServer) {
        super(NetworkPolicy.class);
        this.apiServer = apiServer;
    }

    @Override
    protected ResourceID targetSecondaryResourceID(AgentRun run, Context<AgentRun> context) {
        return new ResourceID(Children.egressPolicy(run), run.getMetadata().getNamespace());
    }

    @Override
    protected NetworkPolicy desired(AgentRun run, Context<AgentRun> context) {
        List<NetworkPolicyEgressRule> rules = new ArrayList<>();
        rules.add(new NetworkPolicyEgressRuleBuilder().withPorts(port("UDP", 53), port("TCP", 53)).build());
        if (run.spec().model() != null && run.spec().model().baseUrl() != null) {
            rules.add(modelRule(run.spec().model().baseUrl(), run.getMetadata().getNamespace()));
        }
        List<ApiServerAddresses.Endpoint> endpoints = apiServer.get(context.getClient());
        if (!endpoints.isEmpty()) {
            NetworkPolicyEgressRuleBuilder api = new NetworkPolicyEgressRuleBuilder();
            endpoints.stream().map(ApiServerAddresses.Endpoint::cidr).distinct()
                    .forEach(cidr -> api.addToTo(new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build()));
            endpoints.stream().map(ApiServerAddresses.Endpoint::port).distinct().sorted()
                    .forEach(p -> api.addToPorts(port("TCP", p)));
            rules.add(api.build());
        }
        return new NetworkPolicyBuilder()
                .withMetadata(Children.meta(run, Children.egressPolicy(run)))
                .withNewSpec()
                .withPodSelector(new LabelSelectorBuilder().withMatchLabels(Map.of(Labels.AGENT_RUN, run.getMetadata().getName(),
                        Labels.MANAGED_BY, Labels.OPERATOR)).build())
                .withPolicyTypes("Egress")
                .withEgress(rules)
                .endSpec()
                .build();
    }

    static NetworkPolicyEgressRule modelRule(String baseUrl, String runNamespace) {
        URI uri = URI.create(baseUrl);
        String host = uri.getHost() == null ? "" : uri.getHost().replaceAll("^\\[|]$", "");
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        NetworkPolicyEgressRuleBuilder rule = new NetworkPolicyEgressRuleBuilder();
        if (host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            return rule.withTo(ipBlock(host + "/32")).withPorts(port("TCP", port)).build();
        }
        if (host.contains(":")) {
            return rule.withTo(ipBlock(host + "/128")).withPorts(port("TCP", port)).build();
        }
        String[] labels = host.split("\\.");
        boolean inCluster = labels.length == 1 || labels.length == 2 || host.endsWith(".svc") || host.endsWith(".svc.cluster.local");
        if (inCluster && !host.isEmpty()) {
            // Service traffic reaches the pods behind it on their target port, which the URL does not tell: allow the namespace.
            String namespace = labels.length == 1 ? runNamespace : labels[1];
            return rule.withTo(new NetworkPolicyPeerBuilder().withNewNamespaceSelector()
                    .addToMatchLabels("kubernetes.io/metadata.name", namespace).endNamespaceSelector().build()).build();
        }
        return rule.withPorts(port("TCP", port)).build();
    }

    private static NetworkPolicyPeer ipBlock(String cidr) {
        return new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build();
    }

    private static NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
    }
}
