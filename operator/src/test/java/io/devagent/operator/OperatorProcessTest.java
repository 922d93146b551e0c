package io.devagent.operator;

import io.devagent.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator as a process: health and metrics on its HTTP port, and one active replica of two under leader election. */
class OperatorProcessTest extends OperatorTestBase {

    @Override
    OperatorConfig config() {
        return super.config().withHttpPort(0);
    }

    @Test
    void healthReadinessAndMetricsAreServed() throws Exception {
        create("measured", spec("Count"));
        await(pod("measured-0"), "the pod", p -> true);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + operator.httpPort();

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        String metrics = poll("the reconciliation meters", () -> get(http, base + "/metrics"), m -> m.contains("operator_sdk_reconciliations"));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(metrics).contains("jvm_memory_used_bytes").contains("operator_sdk_reconciliations_success");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void ofTwoReplicasOneLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        operator.close(); // this class's operator runs without leader election; start two that elect
        operator = null;
        // JOSDK first asks whether it may use leases (a SelfSubjectRulesReview), which the CRUD mock cannot answer.
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                        .withNewMetadata().endMetadata()
                        .withNewStatus().withIncomplete(false)
                        .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                        .withResourceNames(List.of()).withVerbs("get", "create", "update").endResourceRule()
                        .endStatus().build())
                .always();
        OperatorConfig base = super.config().withHttpPort(0);
        DevAgentOperator a = DevAgentOperator.start(client, base.withLeaderElection(NS, "replica-a", Duration.ofSeconds(4)));
        DevAgentOperator b = DevAgentOperator.start(client, base.withLeaderElection(NS, "replica-b", Duration.ofSeconds(4)));
        try {
            poll("a leader", () -> a.leading() || b.leading(), Boolean::booleanValue);
            assertThat(a.leading() && b.leading()).as("both lead").isFalse();
            DevAgentOperator leader = a.leading() ? a : b;
            DevAgentOperator standby = leader == a ? b : a;
            Lease lease = client.leases().inNamespace(NS).withName(DevAgentOperator.LEASE_NAME).get();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader == a ? "replica-a" : "replica-b");
            // The standby is live and ready, waiting.
            assertThat(get(HttpClient.newHttpClient(), "http://127.0.0.1:" + standby.httpPort() + "/readyz")).contains("standby");

            create("elected", spec("Run once"));
            await(pod("elected-0"), "the leader's pod", p -> true);

            leader.close();
            poll("the standby taking over", standby::leading, Boolean::booleanValue);
            create("after", spec("Run after the handover"));
            await(pod("after-0"), "the new leader's pod", p -> true);
            assertThat(client.pods().inNamespace(NS).list().getItems()).extracting(p -> p.getMetadata().getName())
                    .containsExactlyInAnyOrder("elected-0", "after-0");
        } finally {
            for (DevAgentOperator replica : List.of(a, b)) {
                try {
                    replica.close();
                } catch (RuntimeException ignored) {
                    // closed already
                }
            }
        }
    }

    private static String get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }
}
