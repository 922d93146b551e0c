package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings, messages and tool schemas shared by the model client tests. */
final class ModelTestSupport {

    static final String MODEL = "test-model";
    static final Duration RETRY_BASE = Duration.ofMillis(10);

    private ModelTestSupport() {
    }

    /** A client for {@code server}: a fixed model, no key, a short retry base so retries are fast. */
    static ModelSettings settings(ScriptedModelServer server, boolean stream) {
        return settings(server.baseUrl(), stream, Optional.empty(), Duration.ofSeconds(5), 3);
    }

    static ModelSettings settings(String baseUrl, boolean stream, Optional<String> apiKey, Duration timeout, int maxRetries) {
        return new ModelSettings(baseUrl, Optional.of(MODEL), apiKey, stream, ModelSettings.ToolMode.AUTO,
                timeout, maxRetries, RETRY_BASE);
    }

    static List<JsonNode> messages() {
        return List.of(
                Json.object().put("role", "system").put("content", "You are a test."),
                Json.object().put("role", "user").put("content", "Read a.txt"));
    }

    /** One native tool schema, {@code read_file(path)}. */
    static ArrayNode tools() {
        ArrayNode tools = Json.array();
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", "read_file").put("description", "Reads a file");
        ObjectNode params = fn.putObject("parameters").put("type", "object");
        params.putObject("properties").putObject("path").put("type", "string");
        params.putArray("required").add("path");
        return tools;
    }

    /** A port on loopback that nothing listens on (bound, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A non-streamed completion body whose message and usage are given as JSON text. */
    static String completionJson(String messageJson, String usageJson) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                + messageJson + ",\"finish_reason\":\"stop\"}]" + (usageJson == null ? "" : ",\"usage\":" + usageJson) + "}";
    }

    /** One {@code chat.completion.chunk} with this delta (JSON text) and finish reason (null for none). */
    static String chunk(String deltaJson, String finishReason) {
        return "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + deltaJson
                + ",\"finish_reason\":" + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
    }

    /** The usage chunk a server sends last when asked for {@code stream_options.include_usage}. */
    static String usageChunk(String usageJson) {
        return "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":" + usageJson + "}";
    }
}
