package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The endpoints file: parsing, status updates that keep the user's fields, redaction. No servers needed. */
class EndpointsFileTest {

    @TempDir
    Path dir;

    private Path write(String json) throws Exception {
        Path file = dir.resolve("tools").resolve("mcp_endpoints.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        return file;
    }

    @Test
    void readsTheSpecExample() throws Exception {
        Path file = write("""
                {"endpoints": [
                  {"name": "everything", "transport": "streamable-http", "url": "http://127.0.0.1:3001/mcp",
                   "auth": {"tokenEnv": "EVERYTHING_TOKEN"}, "rateLimit": {"requestsPerMinute": 120, "burst": 10}},
                  {"name": "files", "transport": "stdio", "command": ["node", "server.js", "/workspace"]},
                  {"name": "legacy", "transport": "sse", "url": "http://127.0.0.1:3002/sse"}
                ]}""");
        List<Endpoint> endpoints = EndpointsFile.read(file).endpoints();
        assertThat(endpoints).extracting(Endpoint::name).containsExactly("everything", "files", "legacy");
        Endpoint everything = endpoints.get(0);
        assertThat(everything.transport()).isEqualTo(Endpoint.Transport.STREAMABLE_HTTP);
        assertThat(everything.auth().tokenEnv()).isEqualTo("EVERYTHING_TOKEN");
        assertThat(everything.rateLimit().requestsPerMinute()).isEqualTo(120.0);
        assertThat(everything.rateLimit().burst()).isEqualTo(10);
        assertThat(endpoints.get(1).command()).containsExactly("node", "server.js", "/workspace");
        assertThat(endpoints.get(2).transport()).isEqualTo(Endpoint.Transport.SSE);
        // A token comes from the environment when asked for, and is a secret to mask.
        Endpoint.Auth.Resolved resolved = everything.auth().resolve(new Environment(Map.of("EVERYTHING_TOKEN", "tok-123456")), dir);
        assertThat(resolved.headers()).containsEntry("Authorization", "Bearer tok-123456");
        assertThat(resolved.secrets()).containsExactly("tok-123456");
        assertThatThrownBy(() -> everything.auth().resolve(new Environment(Map.of()), dir))
                .isInstanceOf(EndpointsException.class).hasMessageContaining("EVERYTHING_TOKEN is not set");
    }

    @Test
    void aTokenFileIsReadRelativeToTheFile() throws Exception {
        Path file = write("""
                {"endpoints": [{"name": "a", "url": "http://127.0.0.1:1/mcp", "auth": {"tokenFile": "a.token"}}]}""");
        Files.writeString(file.getParent().resolve("a.token"), "from-file-987654\n");
        Endpoint a = EndpointsFile.read(file).endpoints().get(0);
        assertThat(a.auth().resolve(new Environment(Map.of()), file.getParent()).headers())
                .containsEntry("Authorization", "Bearer from-file-987654");
    }

    @Test
    void mistakesNameTheFieldAndTheEndpoint() throws Exception {
        assertThatThrownBy(() -> EndpointsFile.read(write("{\"endpoints\": [{\"name\": \"a__b\", \"url\": \"http://x/mcp\"}]}")))
                .isInstanceOf(EndpointsException.class).hasMessageContaining("endpoints[0].name");
        assertThatThrownBy(() -> EndpointsFile.read(write("{\"endpoints\": [{\"name\": \"a\", \"transport\": \"stdio\"}]}")))
                .hasMessageContaining("endpoints[0] (a).command");
        assertThatThrownBy(() -> EndpointsFile.read(write("{\"endpoints\": [{\"name\": \"a\", \"transport\": \"grpc\", \"url\": \"http://x\"}]}")))
                .hasMessageContaining("transport: 'grpc' is not one of stdio, streamable-http, sse");
        assertThatThrownBy(() -> EndpointsFile.read(write("{\"endpoints\": [{\"name\": \"a\", \"url\": \"ftp://x\"}]}")))
                .hasMessageContaining("url: 'ftp://x'");
        assertThatThrownBy(() -> EndpointsFile.read(write("{\"endpoints\": [{\"name\": \"a\", \"url\": \"http://x\", \"rateLimit\": {\"burst\": 2}}]}")))
                .hasMessageContaining("rateLimit.requestsPerMinute");
        assertThatThrownBy(() -> EndpointsFile.read(write("{\"endpoints\": [{\"name\": \"a\", \"url\": \"http://x\", \"auth\": {\"tokn\": \"x\"}}]}")))
                .hasMessageContaining("auth: unknown field 'tokn'");
        assertThatThrownBy(() -> EndpointsFile.read(write("{\"endpoints\": [{\"name\": \"a\", \"url\": \"http://x\"}, {\"name\": \"a\", \"url\": \"http://y\"}]}")))
                .hasMessageContaining("'a' is used twice");
        assertThatThrownBy(() -> EndpointsFile.read(write("{\"endpoints\": [")))
                .hasMessageContaining("not valid JSON");
        assertThat(EndpointsFile.read(dir.resolve("absent.json")).endpoints()).isEmpty();
    }

    @Test
    void aStatusUpdateKeepsEveryFieldTheUserWrote() throws Exception {
        Path file = write("""
                {"owner": "team-a",
                 "endpoints": [
                  {"name": "a", "url": "http://127.0.0.1:1/mcp", "note": "mine", "auth": {"headers": {"X-Tenant": "acme"}},
                   "status": {"state": "unknown"}},
                  {"name": "b", "transport": "stdio", "command": ["srv"], "env": {"LEVEL": "3"}}
                ]}""");
        boolean written = EndpointsFile.writeStatus(file, Map.of(
                "a", EndpointStatus.up(12, List.of("echo", "add")),
                "b", EndpointStatus.failed(McpState.DOWN, "connection refused"),
                "gone", EndpointStatus.up(1, List.of())));
        assertThat(written).isTrue();
        JsonNode tree = Json.parse(Files.readString(file));
        assertThat(tree.path("owner").asText()).isEqualTo("team-a");
        JsonNode a = tree.path("endpoints").get(0);
        assertThat(a.path("note").asText()).isEqualTo("mine");
        assertThat(a.path("auth").path("headers").path("X-Tenant").asText()).isEqualTo("acme");
        assertThat(a.path("status").path("state").asText()).isEqualTo("up");
        assertThat(a.path("status").path("tools").asInt()).isEqualTo(2);
        assertThat(a.path("status").path("latency_ms").asLong()).isEqualTo(12);
        assertThat(a.path("status").path("checked_at").asText()).isNotBlank();
        assertThat(a.path("status").has("error")).isTrue();
        JsonNode b = tree.path("endpoints").get(1);
        assertThat(b.path("env").path("LEVEL").asText()).isEqualTo("3");
        assertThat(b.path("status").path("state").asText()).isEqualTo("down");
        assertThat(b.path("status").path("error").asText()).isEqualTo("connection refused");
        assertThat(tree.path("endpoints")).hasSize(2);
        // And what was written reads back.
        assertThat(EndpointsFile.read(file).status("b").error()).isEqualTo("connection refused");
    }

    @Test
    void aFileTheUserIsHalfwayThroughEditingIsNotOverwritten() throws Exception {
        String broken = "{\"endpoints\": [{\"name\": \"a\", \"url\": ";
        Path file = write(broken);
        assertThat(EndpointsFile.writeStatus(file, Map.of("a", EndpointStatus.up(1, List.of())))).isFalse();
        assertThat(Files.readString(file)).isEqualTo(broken);
        assertThat(EndpointsFile.writeStatus(dir.resolve("none.json"), Map.of("a", EndpointStatus.up(1, List.of())))).isFalse();
        assertThat(dir.resolve("none.json")).doesNotExist();
    }

    @Test
    void concurrentStatusWritersAndAUserEditLoseNothing() throws Exception {
        StringBuilder json = new StringBuilder("{\"endpoints\": [");
        for (int i = 0; i < 8; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\": \"e").append(i).append("\", \"url\": \"http://127.0.0.1:1/mcp\"}");
        }
        Path file = write(json.append("]}").toString());
        // The user's edit, made while status writers are busy: it must survive them all.
        ObjectNode edited = (ObjectNode) Json.parse(Files.readString(file));
        ((ObjectNode) edited.path("endpoints").get(0)).put("note", "added by the user");
        List<Future<Boolean>> writes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 8; i++) {
                    String name = "e" + i;
                    long latency = round;
                    writes.add(pool.submit(() -> EndpointsFile.writeStatus(file, Map.of(name, EndpointStatus.up(latency, List.of("t"))))));
                }
                if (round == 10) {
                    EndpointsFile.write(file, edited); // a whole new version of the file, written while the status writers run
                }
            }
            for (Future<Boolean> write : writes) {
                assertThat(write.get()).isTrue();
            }
        }
        JsonNode tree = Json.parse(Files.readString(file));
        assertThat(tree.path("endpoints")).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(tree.path("endpoints").get(i).path("status").path("state").asText()).as("e" + i).isEqualTo("up");
        }
        assertThat(tree.path("endpoints").get(0).path("note").asText()).isEqualTo("added by the user");
        assertThat(dir.resolve("tools")).isDirectoryNotContaining(p -> p.getFileName().toString().contains(".tmp-"));
    }

    @Test
    void readRedactedMasksEverySecretAndKeepsTheRest() throws Exception {
        Path file = write("""
                {"endpoints": [
                  {"name": "a", "url": "http://127.0.0.1:1/mcp", "auth": {"token": "literal-token-5551234"},
                   "note": "rotate literal-token-5551234 in May", "status": {"state": "unauthorized", "error": "refused"}},
                  {"name": "b", "url": "http://127.0.0.1:2/mcp", "auth": {"headers": {"X-Api-Key": "key-0987654321", "X-Tenant": "acme"}}},
                  {"name": "c", "url": "http://127.0.0.1:3/mcp", "auth": {"tokenEnv": "C_TOKEN", "tokenFile": "c.token"}},
                  {"name": "d", "transport": "stdio", "command": ["srv"], "env": {"GITHUB_TOKEN": "ghp_abcdefghijklmnopqrstuvwxyz0123"}}
                ]}""");
        ObjectNode redacted = EndpointsFile.readRedacted(file);
        String text = Json.write(redacted);
        assertThat(text).doesNotContain("literal-token-5551234", "key-0987654321", "acme", "ghp_abcdefghijklmnopqrstuvwxyz0123");
        JsonNode endpoints = redacted.path("endpoints");
        assertThat(endpoints.get(0).path("auth").path("token").asText()).isEqualTo("[REDACTED]");
        assertThat(endpoints.get(0).path("note").asText()).isEqualTo("rotate [REDACTED] in May");
        assertThat(endpoints.get(0).path("status").path("state").asText()).isEqualTo("unauthorized");
        assertThat(endpoints.get(1).path("auth").path("headers").path("X-Api-Key").asText()).isEqualTo("[REDACTED]");
        // Where a token is kept is not the token: it stays readable.
        assertThat(endpoints.get(2).path("auth").path("tokenEnv").asText()).isEqualTo("C_TOKEN");
        assertThat(endpoints.get(2).path("auth").path("tokenFile").asText()).isEqualTo("c.token");
        assertThat(endpoints.get(3).path("env").path("GITHUB_TOKEN").asText()).isEqualTo("[REDACTED]");
        assertThat(endpoints.get(3).path("command").get(0).asText()).isEqualTo("srv");
        // The file itself is the user's and is not changed by reading it.
        assertThat(Files.readString(file)).contains("literal-token-5551234");

        assertThat(EndpointsFile.readRedacted(dir.resolve("missing.json")).path("endpoints")).isEmpty();
        Files.writeString(file, "{not json");
        assertThat(EndpointsFile.readRedacted(file).path("error").asText()).contains("not valid JSON");
    }
}
