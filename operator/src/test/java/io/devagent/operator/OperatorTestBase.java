package io.devagent.operator;

import io.devagent.operator.config.OperatorConfig;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.policy.Policy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * fabric8's Kubernetes mock API server in CRUD mode, with the generated CRDs from {@code crds/}
 * applied, and the operator running against it without server-side apply (the mock lacks it). The
 * mock runs no controllers and no kubelet: tests play them, patching pod status themselves.
 */
@EnableKubernetesMockClient(crud = true, https = false)
abstract class OperatorTestBase {

    static final String NS = "agents";
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final Path CRDS = Path.of("..", "crds");

    KubernetesMockServer server;
    KubernetesClient client;
    DevAgentOperator operator;

    OperatorConfig config() {
        return OperatorConfig.forTests("dev-agent:test").withApiServerCidrs(List.of("10.0.0.1/32:6443"));
    }

    @BeforeEach
    void startOperator() throws IOException {
        applyCrds(client);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        operator = DevAgentOperator.start(client, config());
    }

    @AfterEach
    void stopOperator() {
        if (operator != null) {
            operator.close();
        }
    }

    /** A kubeconfig for the CLI: the mock API server as context "mock" (namespace {@link #NS}, the current one) and "other" (namespace team-b). */
    Path writeKubeconfig(Path dir) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                current-context: mock
                clusters:
                - name: mock
                  cluster: {server: "%s"}
                users:
                - name: tester
                  user: {token: mock-token}
                contexts:
                - name: mock
                  context: {cluster: mock, user: tester, namespace: %s}
                - name: other
                  context: {cluster: mock, user: tester, namespace: team-b}
                """.formatted(client.getConfiguration().getMasterUrl(), NS));
    }

    /** Applies the committed CRDs, as a cluster admin would with kubectl apply -f crds/. */
    static void applyCrds(KubernetesClient client) throws IOException {
        try (Stream<Path> files = Files.list(CRDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
                client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            }
        }
    }

    static AgentRunSpec spec(String goal) {
        return new AgentRunSpec(goal, null, new AgentRunSpec.Model("http://10.1.2.3:1234/v1", "qwen", null), null, null, null, null, null);
    }

    AgentRun create(String name, AgentRunSpec spec) {
        return client.resource(new AgentRun(NS, name, spec)).create();
    }

    PolicyResource createPolicy(String name, Policy spec) {
        return client.resource(new PolicyResource(NS, name, spec)).create();
    }

    Resource<AgentRun> run(String name) {
        return client.resources(AgentRun.class).inNamespace(NS).withName(name);
    }

    Resource<Pod> pod(String name) {
        return client.pods().inNamespace(NS).withName(name);
    }

    Resource<ConfigMap> configMap(String name) {
        return client.configMaps().inNamespace(NS).withName(name);
    }

    /**
     * Waits until the resource satisfies {@code condition}, or fails naming what was awaited. It polls
     * with a deadline rather than watching: the mock's watches do not replay what happened between a
     * list and the watch that follows it.
     */
    static <T extends HasMetadata> T await(Resource<T> resource, String what, Predicate<T> condition) {
        return poll(what, resource::get, r -> r != null && condition.test(r));
    }

    /** Waits until the resource is gone. */
    static <T extends HasMetadata> void awaitGone(Resource<T> resource, String what) {
        poll(what + " to go", resource::get, java.util.Objects::isNull);
    }

    /** Polls a value that no watch reports (a file, a process) until it satisfies {@code condition}, with a deadline. */
    static <T> T poll(String what, Supplier<T> value, Predicate<T> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            T current = value.get();
            if (condition.test(current)) {
                return current;
            }
            if (System.nanoTime() > deadline) {
                return fail("timed out after " + DEADLINE.toSeconds() + " s waiting for " + what + "; last value: " + current);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Replaces a resource's spec with a JSON patch, without a resourceVersion: the operator and the
     * runtime write status concurrently, so an edit that locks on the version would race them.
     */
    static <T extends HasMetadata> void replaceSpec(Resource<T> resource, Object spec) {
        String patch = io.devagent.json.Json.write(java.util.List.of(java.util.Map.of("op", "replace", "path", "/spec",
                "value", io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().valueToTree(spec))));
        resource.patch(new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON).build(), patch);
    }

    /** Sets one annotation with a JSON merge patch. */
    static <T extends HasMetadata> void annotate(Resource<T> resource, String key, String value) {
        resource.patch(new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                        .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE).build(),
                io.devagent.json.Json.write(java.util.Map.of("metadata", java.util.Map.of("annotations", java.util.Map.of(key, value)))));
    }

    static String phase(AgentRun run) {
        return run.getStatus() == null ? null : run.getStatus().getPhase();
    }
}
