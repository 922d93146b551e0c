package io.devagent.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.stream.Stream;

/**
 * fabric8's mock API server in CRUD mode for the scale benchmark, with the CRDs of {@code crds/}
 * applied and one namespace made; its store is {@link IndexedCrudDispatcher} unless {@code stock},
 * and its dispatcher counts requests ({@link CountingDispatcher}).
 */
final class ScaleMockServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final CountingDispatcher dispatcher;
    private final KubernetesClient client;

    ScaleMockServer(Path crds, String namespace, boolean stock) throws IOException {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        dispatcher = new CountingDispatcher(responses, stock ? new KubernetesCrudDispatcher() : new IndexedCrudDispatcher());
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init();
        client = server.createClient();
        try (Stream<Path> files = Files.list(crds)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
                client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            }
        }
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }

    KubernetesClient client() {
        return client;
    }

    CountingDispatcher dispatcher() {
        return dispatcher;
    }

    String url() {
        return client.getConfiguration().getMasterUrl();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
