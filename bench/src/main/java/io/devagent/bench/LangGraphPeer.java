package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The LangGraph.js peer ({@code bench/langgraph/peer.mjs}) as one long-lived {@code node} process in
 * {@code --serve} mode: a run is one JSON line in, one JSON line out. Keeping the process lets it
 * warm up as the JVM does, and leaves node's start out of every timing (the script times itself).
 */
final class LangGraphPeer implements AutoCloseable {

    private final Process process;
    private final OutputStream in;
    private final BufferedReader out;
    private final Path log;

    private LangGraphPeer(Process process, Path log) {
        this.process = process;
        this.in = process.getOutputStream();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.log = log;
    }

    /**
     * Where {@code npm ci} installs the peer: {@code -Dlanggraph.dir}, else {@code bench/langgraph} under {@code -Dbench.root}
     * (which {@code bench/run} sets), else above the current directory (a test's is the module's).
     */
    static Optional<Path> dir() {
        String explicit = System.getProperty("langgraph.dir", System.getenv("LANGGRAPH_DIR"));
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit).toAbsolutePath());
        }
        String root = System.getProperty("bench.root");
        if (root != null && Files.isRegularFile(Path.of(root, "bench", "langgraph", "peer.mjs"))) {
            return Optional.of(Path.of(root, "bench", "langgraph").toAbsolutePath());
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            for (Path candidate : new Path[]{d.resolve("langgraph"), d.resolve("bench").resolve("langgraph")}) {
                if (Files.isRegularFile(candidate.resolve("peer.mjs"))) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static Optional<Path> node() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            Path candidate = Path.of(d).resolve("node");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Why the peer cannot start, or empty when node and the installed packages are there. */
    static Optional<String> missing() {
        if (node().isEmpty()) {
            return Optional.of("node is not on the PATH (install Node 20 or newer), and then run npm ci in bench/langgraph/");
        }
        Optional<Path> dir = dir();
        if (dir.isEmpty()) {
            return Optional.of("no bench/langgraph/peer.mjs found above " + Path.of("").toAbsolutePath());
        }
        Path modules = dir.get().resolve("node_modules");
        if (!Files.isRegularFile(modules.resolve("@langchain/langgraph-checkpoint-sqlite/package.json"))
                || !Files.isDirectory(modules.resolve("better-sqlite3/build/Release"))) {
            return Optional.of("the LangGraph.js packages are not installed in " + modules + ": run (cd " + dir.get() + " && npm ci)");
        }
        return Optional.empty();
    }

    /** Starts {@code node peer.mjs --serve} with a minimal environment (no tracing keys, no secrets of ours). */
    static LangGraphPeer start() throws IOException {
        missing().ifPresent(why -> {
            throw new IllegalStateException("the peer benchmark cannot run: " + why);
        });
        Path dir = dir().orElseThrow();
        Path log = Files.createTempFile("langgraph-peer-", ".log");
        ProcessBuilder builder = new ProcessBuilder(node().orElseThrow().toString(), "peer.mjs", "--serve")
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        String path = System.getenv("PATH");
        env.clear();
        env.put("PATH", path == null ? "/usr/bin:/bin" : path);
        env.put("HOME", System.getProperty("java.io.tmpdir"));
        env.put("NODE_ENV", "production");
        return new LangGraphPeer(builder.start(), log);
    }

    /** One run; the peer's answer as JSON, or an exception with its error. */
    JsonNode run(String baseUrl, int toolSteps, Path db, Path workspace, String synchronous) throws IOException {
        String request = Json.write(Json.object().put("baseUrl", baseUrl).put("steps", toolSteps)
                .put("db", db.toString()).put("workspace", workspace.toString()).put("synchronous", synchronous));
        in.write((request + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the LangGraph.js peer exited: " + Files.readString(log));
        }
        JsonNode reply = Json.MAPPER.readTree(line);
        if (reply.has("error")) {
            throw new IOException("the LangGraph.js peer failed a " + toolSteps + "-step run: " + reply.path("error").asText());
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        in.close(); // end of input: the serve loop ends and node exits
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
