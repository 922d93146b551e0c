package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.run.RunResult;
import io.devagent.testkit.McpServers;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.tool.Tool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.devagent.mcp.McpRunFixture.await;
import static io.devagent.mcp.McpRunFixture.fileSays;
import static org.assertj.core.api.Assertions.assertThat;

/** Health: servers that die, hang or never come up; reconnects; edits of the endpoints file. */
class McpHealthTest {

    @TempDir
    Path root;
    McpServers servers;
    McpRunFixture fx;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        servers = NodeServers.require();
        fx = new McpRunFixture(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) { // null when the test was skipped before its fixture existed
            fx.close();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static ObjectNode fastHealth(ObjectNode endpoint) {
        return endpoint.put("healthIntervalSeconds", 0.2).put("maxBackoffSeconds", 0.5).put("connectTimeoutSeconds", 5).put("timeoutSeconds", 10);
    }

    @Test
    void aServerKilledMidRunGoesDownTheRunGoesOnAndItComesBackAfterARestart() throws Exception {
        McpServers.HttpServerProcess http = servers.everythingHttp();
        toClose.add(http);
        fastHealth(fx.endpoint("http").put("transport", "streamable-http").put("url", http.url()));
        fx.startRegistry();
        AtomicReference<EndpointStatus> whileDown = new AtomicReference<>();
        AtomicReference<EndpointStatus> afterRestart = new AtomicReference<>();
        fx.model.script(
                Reply.toolCall("http__echo", "{\"message\":\"before\"}"),
                (exchange, request) -> {
                    // The server dies while the run is going.
                    try {
                        http.kill();
                        await("the file says the endpoint is down", Duration.ofSeconds(15), () -> fileSays(fx, "http", McpState.DOWN));
                        whileDown.set(fx.fileStatus("http"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    Reply.toolCall("http__echo", "{\"message\":\"while down\"}").serve(exchange, request);
                },
                (exchange, request) -> {
                    try {
                        http.start(); // the same port
                        await("the file says the endpoint is up again", Duration.ofSeconds(20), () -> fileSays(fx, "http", McpState.UP));
                        afterRestart.set(fx.fileStatus("http"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    Reply.toolCall("http__echo", "{\"message\":\"after\"}").serve(exchange, request);
                },
                Reply.text("done"));

        RunResult result = fx.run("Keep going when a server dies");

        assertThat(result.status()).isEqualTo("succeeded");
        assertThat(result.answer()).isEqualTo("done");
        List<String> results = fx.model.lastToolMessages();
        assertThat(results.get(0)).isEqualTo("Echo: before");
        assertThat(results.get(1)).startsWith("error: MCP endpoint 'http' is down").contains("unavailable until it is back");
        assertThat(results.get(2)).isEqualTo("Echo: after");
        // While it was down its tools were not offered; the built-ins were.
        assertThat(fx.offered(0)).contains("http__echo", "read_file");
        assertThat(fx.offered(2)).contains("read_file").noneMatch(n -> n.startsWith("http__"));
        assertThat(fx.offered(3)).contains("http__echo", "read_file");
        assertThat(whileDown.get().state()).isEqualTo(McpState.DOWN);
        assertThat(whileDown.get().error()).isNotBlank();
        assertThat(whileDown.get().tools()).isZero();
        assertThat(afterRestart.get().tools()).isEqualTo(13);
        assertThat(fx.log).anyMatch(l -> l.contains("'http' is down")).anyMatch(l -> l.contains("'http' is up"));
        // The failed call is audited like any other, with its kind.
        List<JsonNode> audited = fx.toolResults(result.runId());
        assertThat(audited.get(1).path("ok").asBoolean()).isFalse();
        assertThat(audited.get(1).path("error_kind").asText()).isEqualTo("mcp_unavailable");
    }

    @Test
    void aStdioServerThatDiesIsRestartedByTheRegistry() throws Exception {
        fastHealth(fx.stdio("everything", servers.everythingStdio()));
        fx.startRegistry();
        ProcessHandle first = serverProcess().orElseThrow();

        first.destroyForcibly();

        await("the registry sees the process gone", Duration.ofSeconds(10), () -> !fx.registry.statuses().get("everything").up()
                || serverProcess().map(p -> p.pid() != first.pid()).orElse(false));
        await("a new server process is up", Duration.ofSeconds(20), () -> fx.registry.statuses().get("everything").up()
                && serverProcess().map(p -> p.pid() != first.pid()).orElse(false));
        assertThat(fx.registry.offered()).extracting(Tool::name).contains("everything__echo");
        assertThat(fx.log).anyMatch(l -> l.contains("'everything' is down") && l.contains("exited"));
        await("the file says up", Duration.ofSeconds(10), () -> fileSays(fx, "everything", McpState.UP));
    }

    @Test
    void deadEndpointsDoNotHoldUpTheStartOrFailTheRun() throws Exception {
        int closedPort = McpServers.freePort();
        try (ServerSocket blackhole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Accepts connections and never answers: a hung server.
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(blackhole.accept());
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            fx.endpoint("refused").put("url", "http://127.0.0.1:" + closedPort + "/mcp").put("connectTimeoutSeconds", 1);
            fx.endpoint("hung").put("url", "http://127.0.0.1:" + blackhole.getLocalPort() + "/mcp").put("connectTimeoutSeconds", 1);
            fx.stdio("missing", List.of(root.resolve("no-such-server").toString())).put("connectTimeoutSeconds", 1);

            // Each endpoint gives up after its 1 s connect timeout (the errors below say so): the start does not hang on any.
            fx.startRegistry();

            assertThat(fx.registry.statuses().values()).allMatch(s -> s.state() == McpState.DOWN);
            assertThat(fx.fileStatus("refused").error()).contains("connection refused");
            assertThat(fx.fileStatus("hung").error()).contains("no answer within 1 s");
            assertThat(fx.fileStatus("missing").error()).contains("cannot start the server", "no-such-server", "not an executable file");
            assertThat(fx.registry.offered()).isEmpty();

            Files.writeString(fx.workspace.resolve("README.md"), "# Demo\n");
            fx.model.script(Reply.toolCall("hung__echo", "{\"message\":\"x\"}"), Reply.toolCall("read_file", "{\"path\":\"README.md\"}"),
                    Reply.text("done"));
            RunResult result = fx.run("Work without the MCP servers");
            assertThat(result.status()).isEqualTo("succeeded");
            assertThat(fx.offered(0)).contains("read_file").noneMatch(n -> n.contains("__"));
            List<String> results = fx.model.lastToolMessages();
            assertThat(results.get(0)).startsWith("error: MCP endpoint 'hung' is down");
            assertThat(results.get(1)).contains("# Demo");
            blackhole.close();
            acceptor.join(5000);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void connectingAtAStartWaitsForAFirstAttemptAnotherThreadIsMaking() throws Exception {
        try (ServerSocket blackhole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Accepts connections and never answers: the attempt that reaches it lasts its whole connect timeout.
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            CountDownLatch reached = new CountDownLatch(1);
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(blackhole.accept());
                        reached.countDown();
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            // The registry starts before the file exists; a health check tick loads it and starts the first attempt.
            fx.registry = McpRegistry.start(fx.endpointsFile(), fx.env(), fx.log::add);
            fx.endpoint("slow").put("url", "http://127.0.0.1:" + blackhole.getLocalPort() + "/mcp").put("connectTimeoutSeconds", 3);
            EndpointsFile.write(fx.endpointsFile(), fx.endpoints);
            assertThat(reached.await(30, TimeUnit.SECONDS)).as("the tick's attempt reached the server").isTrue();
            assertThat(fx.registry.statuses().get("slow").state()).isEqualTo(McpState.UNKNOWN);

            // A start connecting now finds that attempt under way: it waits for its outcome instead of going on without it.
            fx.registry.connectAll(fx.registry.links());

            EndpointStatus status = fx.registry.statuses().get("slow");
            assertThat(status.state()).isEqualTo(McpState.DOWN);
            assertThat(status.error()).contains("no answer within 3 s");
            blackhole.close();
            acceptor.join(5000);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void anEditOfTheFileIsPickedUpAndKeptByStatusUpdates() throws Exception {
        fastHealth(fx.stdio("a", servers.everythingStdio()));
        fx.startRegistry();
        assertThat(fx.registry.offered()).extracting(Tool::name).contains("a__echo");

        // The user adds an endpoint and a note, with their editor (no lock, not atomic), while the runtime writes statuses.
        ObjectNode edited = (ObjectNode) Json.parse(Files.readString(fx.endpointsFile()));
        ((ObjectNode) edited.path("endpoints").get(0)).put("note", "keep me");
        ObjectNode b = edited.withArray("endpoints").addObject().put("name", "b").put("transport", "stdio");
        servers.everythingStdio().forEach(b.putArray("command")::add);
        fastHealth(b);
        Files.writeString(fx.endpointsFile(), Json.pretty(edited));

        await("b's tools are offered", Duration.ofSeconds(20),
                () -> fx.registry.offered().stream().anyMatch(t -> t.name().equals("b__echo")));
        await("the file has b's status", Duration.ofSeconds(10), () -> fileSays(fx, "b", McpState.UP));
        // Several status writes later the note is still there, and a's connection was not disturbed by it.
        String checkedAt = fx.fileStatus("a").checkedAt();
        await("a's status was written again", Duration.ofSeconds(10), () -> {
            try {
                return !checkedAt.equals(fx.fileStatus("a").checkedAt());
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode file = Json.parse(Files.readString(fx.endpointsFile()));
        assertThat(file.path("endpoints").get(0).path("note").asText()).isEqualTo("keep me");
        assertThat(fx.log).noneMatch(l -> l.contains("'a' is down"));

        // Removing an endpoint takes its tools away.
        ObjectNode removed = (ObjectNode) Json.parse(Files.readString(fx.endpointsFile()));
        removed.withArray("endpoints").remove(1);
        Files.writeString(fx.endpointsFile(), Json.pretty(removed));
        await("b's tools are gone", Duration.ofSeconds(10), () -> fx.registry.offered().stream().noneMatch(t -> t.name().startsWith("b__")));
        assertThat(fx.registry.offered()).extracting(Tool::name).contains("a__echo");

        // A broken edit keeps the endpoints in force, and is not overwritten.
        Files.writeString(fx.endpointsFile(), "{\"endpoints\": [");
        await("the broken file is reported", Duration.ofSeconds(10), () -> fx.log.stream().anyMatch(l -> l.contains("not valid JSON")));
        assertThat(fx.registry.offered()).extracting(Tool::name).contains("a__echo");
        assertThat(Files.readString(fx.endpointsFile())).isEqualTo("{\"endpoints\": [");
    }

    @Test
    void aFileCreatedAfterTheStartIsPickedUp() throws Exception {
        // The main runtime starts before anyone has configured MCP endpoints.
        fx.registry = McpRegistry.start(fx.endpointsFile(), fx.env(), fx.log::add);
        assertThat(fx.registry.offered()).isEmpty();
        assertThat(fx.endpointsFile()).doesNotExist();

        fastHealth(fx.stdio("late", servers.everythingStdio()));
        EndpointsFile.write(fx.endpointsFile(), fx.endpoints);

        await("the new endpoint's tools are offered", Duration.ofSeconds(20),
                () -> fx.registry.offered().stream().anyMatch(t -> t.name().equals("late__echo")));
        await("its status is in the file", Duration.ofSeconds(10), () -> fileSays(fx, "late", McpState.UP));
    }

    /** The server-everything stdio process this JVM started, if alive. */
    private Optional<ProcessHandle> serverProcess() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("server-everything/dist/index.js stdio"))
                .findFirst();
    }
}
