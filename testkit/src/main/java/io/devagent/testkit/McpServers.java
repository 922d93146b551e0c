package io.devagent.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real MCP reference servers from npm, installed (pinned) in {@code mcp-servers/} at the
 * repository root by {@code npm ci}: {@code @modelcontextprotocol/server-everything} and
 * {@code @modelcontextprotocol/server-filesystem}. Gives their stdio command lines, and starts
 * server-everything over HTTP (streamable HTTP or SSE) on a loopback port as a child process.
 *
 * <p>Servers are always started with a minimal environment (PATH, HOME and PORT): server-everything's
 * {@code get-env} tool returns its whole environment, so no secret may ever be in it.
 */
public final class McpServers {

    private final Path node;
    private final Path modules;

    private McpServers(Path node, Path modules) {
        this.node = node;
        this.modules = modules;
    }

    /**
     * The servers, if {@code node} is on the PATH and {@code npm ci} has run in {@code mcp-servers/}
     * (found from {@code -Dmcp.servers.dir}, {@code MCP_SERVERS_DIR}, or the current directory and
     * its parents); else empty, with {@link #missing()} saying what is missing.
     */
    public static Optional<McpServers> find() {
        Optional<Path> node = which("node");
        Optional<Path> dir = serversDir();
        if (node.isEmpty() || dir.isEmpty()) {
            return Optional.empty();
        }
        Path modules = dir.get().resolve("node_modules").resolve("@modelcontextprotocol");
        if (!Files.isRegularFile(modules.resolve("server-everything/dist/index.js"))
                || !Files.isRegularFile(modules.resolve("server-filesystem/dist/index.js"))) {
            return Optional.empty();
        }
        return Optional.of(new McpServers(node.get(), modules));
    }

    /** What {@link #find()} lacks, for the message of a test that cannot run. */
    public static String missing() {
        if (which("node").isEmpty()) {
            return "node is not on the PATH (install Node 20: apt-get install nodejs npm), and then run npm ci in mcp-servers/";
        }
        return serversDir().map(d -> "the MCP servers are not installed in " + d + "/node_modules: run (cd " + d + " && npm ci)")
                .orElse("no mcp-servers/ directory found above " + Path.of("").toAbsolutePath());
    }

    public Path node() {
        return node;
    }

    public Path everythingScript() {
        return modules.resolve("server-everything/dist/index.js");
    }

    public Path filesystemScript() {
        return modules.resolve("server-filesystem/dist/index.js");
    }

    /** server-everything over stdio. */
    public List<String> everythingStdio() {
        return List.of(node.toString(), everythingScript().toString(), "stdio");
    }

    /** server-filesystem over stdio, allowed to work in {@code dirs}. */
    public List<String> filesystemStdio(Path... dirs) {
        List<String> argv = new ArrayList<>(List.of(node.toString(), filesystemScript().toString()));
        for (Path dir : dirs) {
            argv.add(dir.toString());
        }
        return argv;
    }

    /** Starts server-everything over streamable HTTP ({@code /mcp}) on a free loopback port. */
    public HttpServerProcess everythingHttp() throws IOException, InterruptedException {
        return startHttp("streamableHttp", freePort(), "/mcp");
    }

    /** Starts server-everything over SSE ({@code /sse}) on a free loopback port. */
    public HttpServerProcess everythingSse() throws IOException, InterruptedException {
        return startHttp("sse", freePort(), "/sse");
    }

    private HttpServerProcess startHttp(String mode, int port, String path) throws IOException, InterruptedException {
        HttpServerProcess server = new HttpServerProcess(this, mode, port, path);
        server.start();
        return server;
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** server-everything serving HTTP as a child process; {@link #kill()} and {@link #start()} again on the same port. */
    public static final class HttpServerProcess implements AutoCloseable {
        private final McpServers servers;
        private final String mode;
        private final int port;
        private final String path;
        private final Path log;
        private Process process;

        private HttpServerProcess(McpServers servers, String mode, int port, String path) throws IOException {
            this.servers = servers;
            this.mode = mode;
            this.port = port;
            this.path = path;
            this.log = Files.createTempFile("mcp-" + mode + "-", ".log");
        }

        public int port() {
            return port;
        }

        /** {@code http://127.0.0.1:PORT/mcp} (or {@code /sse}). */
        public String url() {
            return "http://127.0.0.1:" + port + path;
        }

        public synchronized Process process() {
            return process;
        }

        /** Starts the server and waits (at most 30 s) until it accepts connections. */
        public synchronized void start() throws IOException, InterruptedException {
            if (process != null && process.isAlive()) {
                return;
            }
            ProcessBuilder builder = new ProcessBuilder(servers.node.toString(), servers.everythingScript().toString(), mode)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = builder.environment();
            String pathVar = System.getenv("PATH");
            env.clear();
            env.put("PATH", pathVar == null ? "/usr/bin:/bin" : pathVar);
            env.put("HOME", System.getProperty("java.io.tmpdir"));
            env.put("PORT", Integer.toString(port));
            process = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!accepts(port)) {
                if (!process.isAlive()) {
                    throw new IOException("server-everything (" + mode + ") exited with code " + process.exitValue() + ": " + output());
                }
                if (System.nanoTime() > deadline) {
                    kill();
                    throw new IOException("server-everything (" + mode + ") did not listen on port " + port + " within 30 s: " + output());
                }
                // Polling a condition with a deadline: the server announces nothing we could wait on.
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }

        /** Kills the server outright (SIGKILL) and waits until it is gone and the port is closed. */
        public synchronized void kill() throws InterruptedException {
            if (process == null) {
                return;
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (accepts(port) && System.nanoTime() < deadline) {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }

        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> serversDir() {
        String explicit = System.getProperty("mcp.servers.dir", System.getenv("MCP_SERVERS_DIR"));
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit).toAbsolutePath());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mcp-servers").resolve("package.json"))) {
                return Optional.of(dir.resolve("mcp-servers"));
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> which(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir).resolve(command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
