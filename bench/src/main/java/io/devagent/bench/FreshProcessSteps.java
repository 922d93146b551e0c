package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Time per step as a user meets it: {@code ./agent run} (the launcher users run, with the JVM options
 * and class-data archive it adds) in a fresh process, no warm-up, for N read_file steps against a
 * scripted server, against a minimal client on the same kind of server that only sends the growing
 * conversation, parses the reply, fsyncs one line and asks again. {@code java -jar agent.jar run}
 * is measured beside it: the runtime without the launcher's part.
 */
final class FreshProcessSteps {

    record Figures(double agentMsPerStep, double jarMsPerStep, double clientMsPerStep) {
        /** Through the launcher, over the minimal client. */
        double ratio() {
            return agentMsPerStep / clientMsPerStep;
        }

        double jarRatio() {
            return jarMsPerStep / clientMsPerStep;
        }
    }

    private FreshProcessSteps() {
    }

    static Figures measure(Path work, int steps) throws Exception {
        Path root = Path.of(System.getProperty("bench.root", "."));
        // bench.agentLauncher / bench.agentJar: another build's, e.g. to measure the same steps before a change.
        Path launcher = Path.of(System.getProperty("bench.agentLauncher", root.resolve("agent").toString()));
        Path jar = Path.of(System.getProperty("bench.agentJar", root.resolve("cli/target/agent.jar").toString()));
        Path dir = Files.createDirectories(work.resolve("fresh"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The launcher finds this JDK, and keeps its class-data archive here, not in the user's cache.
        Map<String, String> launcherEnv = Map.of("JAVA_HOME", System.getProperty("java.home"),
                "XDG_CACHE_HOME", Files.createDirectories(dir.resolve("cache")).toString());
        // An untimed first run makes the launcher's archive, as a user's first run does; the timed one is a later command.
        agentMsPerStep(dir.resolve("first"), 20, List.of(launcher.toString()), launcherEnv);
        double agentMs = agentMsPerStep(dir.resolve("launcher"), steps, List.of(launcher.toString()), launcherEnv);
        double jarMs = agentMsPerStep(dir.resolve("jar"), steps, List.of(java, "-jar", jar.toString()), Map.of());
        double clientMs;
        try (ScriptedModelServer server = ScriptedRun.scriptedServer(steps)) {
            server.keepRequests(false);
            clientMs = minimalClient(server.baseUrl(), dir.resolve("client.log"), steps) / 1e6 / (steps + 1);
        }
        return new Figures(agentMs, jarMs, clientMs);
    }

    /** Milliseconds a step of one fresh {@code run} process started with {@code command}, in its own state directory. */
    private static double agentMsPerStep(Path dir, int steps, List<String> command, Map<String, String> env) throws Exception {
        Files.createDirectories(dir);
        Path workspace = ScriptedRun.workspace(dir);
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "limits: {maxSteps: " + (steps + 10) + ", maxTokens: 1000000000}\n");
        try (ScriptedModelServer server = ScriptedRun.scriptedServer(steps)) {
            server.keepRequests(false);
            Map<String, String> all = new java.util.HashMap<>(env);
            all.putAll(Map.of("LLM_BASE_URL", server.baseUrl(), "LLM_MODEL", ScriptedRun.MODEL, "LLM_STREAM", "false",
                    "AGENT_STATE_DIR", dir.resolve("state").toString(), "AGENT_WORKSPACE", workspace.toString(),
                    "AGENT_POLICY_FILE", policy.toString()));
            List<String> args = new java.util.ArrayList<>(command);
            args.addAll(List.of("run", "Read the file, one step at a time", "--json"));
            return new Launch("agent run", args, all, "succeeded").time(dir) / 1e6 / (steps + 1);
        }
    }

    /** Nanoseconds for the whole run of the minimal client, process start aside (it runs in this warm JVM: the lower bound). */
    private static long minimalClient(String baseUrl, Path log, int steps) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ArrayNode messages = Json.array();
        messages.addObject().put("role", "system").put("content", "You read files.");
        messages.addObject().put("role", "user").put("content", "Read the file, one step at a time");
        long started = System.nanoTime();
        try (FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int step = 0; step <= steps + 1; step++) {
                ObjectNode body = Json.object().put("model", ScriptedRun.MODEL).put("stream", false);
                body.set("messages", messages);
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                JsonNode message = Json.MAPPER.readTree(response.body()).path("choices").path(0).path("message");
                messages.add(message);
                out.write(ByteBuffer.wrap((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8)));
                out.force(false);
                JsonNode calls = message.path("tool_calls");
                if (calls.isEmpty()) {
                    break;
                }
                messages.addObject().put("role", "tool").put("tool_call_id", calls.path(0).path("id").asText())
                        .put("content", "dev-agent benchmark fixture: a small text file that every step reads.");
            }
        }
        return System.nanoTime() - started;
    }
}
