package io.devagent.model;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window reports the scripted server's played kinds do not reach first (it answers the first
 * path of each server): LM Studio's /api/v1/models, Ollama's /api/show, and a server that answers
 * none of them. A real HTTP server answers with each server's own JSON.
 */
class WindowProbeTest {

    private HttpServer http;

    private String serve(String path, String body) throws Exception {
        if (http == null) {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.start();
        }
        http.createContext(path, exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
    }

    @AfterEach
    void tearDown() {
        if (http != null) {
            http.stop(0);
        }
    }

    private static Optional<ContextWindow> probe(String baseUrl, String model) throws Exception {
        ModelSettings settings = ModelTestSupport.settings(baseUrl, false, Optional.empty(), Duration.ofSeconds(5), 0);
        return new ModelClient(settings).contextWindow(model);
    }

    @Test
    void lmStudiosV1ApiGivesTheLoadedInstancesContextLength() throws Exception {
        String base = serve("/api/v1/models", "{\"models\":[{\"type\":\"llm\",\"key\":\"qwen/qwen3-8b\",\"max_context_length\":40960,"
                + "\"loaded_instances\":[{\"id\":\"qwen/qwen3-8b\",\"config\":{\"context_length\":16384}}]}]}");
        assertThat(probe(base, "qwen/qwen3-8b")).contains(new ContextWindow(16384, "LM Studio context_length"));
    }

    @Test
    void ollamasShowGivesNumCtxNotTheArchitecturesMaximum() throws Exception {
        String base = serve("/api/show", "{\"parameters\":\"num_ctx                        12288\\nstop \\\"<|im_end|>\\\"\","
                + "\"model_info\":{\"qwen2.context_length\":32768}}");
        assertThat(probe(base, "qwen2.5-coder:7b")).contains(new ContextWindow(12288, "Ollama num_ctx"));
    }

    @Test
    void llamaCppsContextIsSharedBetweenItsSlots() throws Exception {
        String base = serve("/props", "{\"default_generation_settings\":{\"n_ctx\":32768},\"total_slots\":4}");
        assertThat(probe(base, "any")).contains(new ContextWindow(8192, "llama.cpp n_ctx/total_slots"));
    }

    @Test
    void aServerThatAnswersNoneOfThePathsTellsNothing() throws Exception {
        String base = serve("/v1/models", "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-x\",\"object\":\"model\"}]}");
        assertThat(probe(base, "gpt-x")).isEmpty();
    }
}
