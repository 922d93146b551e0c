package io.devagent.tool;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.devagent.policy.Policy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.devagent.tool.ToolFixtures.args;
import static io.devagent.tool.ToolFixtures.context;
import static io.devagent.tool.ToolFixtures.networkContext;
import static io.devagent.tool.ToolFixtures.ok;
import static io.devagent.tool.ToolFixtures.policy;
import static io.devagent.tool.ToolFixtures.refused;
import static org.assertj.core.api.Assertions.assertThat;

/** http_fetch against real loopback servers, with network off, on, and narrowed to hosts. */
class HttpFetchToolTest {

    @TempDir
    Path ws;

    HttpServer server;
    HttpServer other;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> otherRequests = new CopyOnWriteArrayList<>();
    String url;
    final HttpFetchTool tool = new HttpFetchTool();

    @BeforeEach
    void startServers() throws IOException {
        other = serve(otherRequests);
        server = serve(requests);
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServers() {
        server.stop(0);
        other.stop(0);
    }

    private HttpServer serve(List<String> log) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", exchange -> {
            log.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("User-Agent"));
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/missing" -> respond(exchange, 404, "text/plain", "no such page".getBytes(StandardCharsets.UTF_8));
                case "/big" -> respond(exchange, 200, "text/plain", "b".repeat(10_000).getBytes(StandardCharsets.UTF_8));
                case "/binary" -> respond(exchange, 200, "application/octet-stream", new byte[] {1, 0, 2, 0, 3});
                case "/redirect" -> {
                    exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + other.getAddress().getPort() + "/stolen");
                    respond(exchange, 302, "text/plain", new byte[0]);
                }
                default -> respond(exchange, 200, "text/plain; charset=utf-8", ("hello from " + path).getBytes(StandardCharsets.UTF_8));
            }
        });
        s.start();
        return s;
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Test
    void refusedWithTheDefaultPolicyAndNoAllowNet() throws Exception {
        ToolContext ctx = context(ws);
        ToolException e = refused("policy_denied", tool, args("url", url + "/page"), ctx);
        assertThat(e.getMessage()).contains("network access is off");
        assertThat(requests).isEmpty();
    }

    @Test
    void refusedWhenThePolicyAllowsButAllowNetDoesNot() throws Exception {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("ALLOW_NET", "false"), Map.of("ALLOW_NET", "0"))) {
            ToolContext ctx = context(ws, policy("network: {allow: true}"), env);
            refused("policy_denied", tool, args("url", url + "/page"), ctx);
        }
        assertThat(requests).isEmpty();
    }

    @Test
    void refusedWhenAllowNetIsOnButThePolicySaysNo() throws Exception {
        ToolContext ctx = context(ws, policy("network: {allow: false}"), Map.of("ALLOW_NET", "true"));
        refused("policy_denied", tool, args("url", url + "/page"), ctx);
        assertThat(requests).isEmpty();
    }

    @Test
    void fetchesWhenNetworkIsAllowed() throws Exception {
        ToolResult result = ok(tool, args("url", url + "/page?q=1"), networkContext(ws, ""));
        assertThat(result.output()).isEqualTo("HTTP 200 text/plain; charset=utf-8\nhello from /page");
        assertThat(requests).containsExactly("GET /page?q=1 dev-agent");
    }

    @Test
    void allowNetWithThePolicyLeavingAllowUnsetIsEnough() throws Exception {
        ToolContext ctx = context(ws, Policy.defaults(), Map.of("ALLOW_NET", "true"));
        assertThat(ok(tool, args("url", url + "/x"), ctx).output()).endsWith("hello from /x");
    }

    @Test
    void anErrorStatusIsAnErrorResult() throws Exception {
        ToolResult result = tool.execute(args("url", url + "/missing"), networkContext(ws, ""));
        assertThat(result.error()).isTrue();
        assertThat(result.output()).isEqualTo("HTTP 404 text/plain\nno such page");
    }

    @Test
    void redirectsAreShownButNotFollowed() throws Exception {
        ToolResult result = ok(tool, args("url", url + "/redirect"), networkContext(ws, ""));
        assertThat(result.output()).startsWith("HTTP 302").contains("\nLocation: http://127.0.0.1:" + other.getAddress().getPort() + "/stolen");
        assertThat(otherRequests).isEmpty();
    }

    @Test
    void theBodyIsCappedAtTheOutputLimit() throws Exception {
        ToolResult result = ok(tool, args("url", url + "/big"), networkContext(ws, "limits: {maxToolOutputBytes: 500}\n"));
        String body = result.output().substring(result.output().indexOf('\n') + 1);
        assertThat(body).startsWith("b".repeat(500) + "\n[output truncated: ").doesNotContain("b".repeat(501));
    }

    @Test
    void aBinaryBodyIsNotShown() throws Exception {
        ToolResult result = ok(tool, args("url", url + "/binary"), networkContext(ws, ""));
        assertThat(result.output()).isEqualTo("HTTP 200 application/octet-stream\n[binary body of type application/octet-stream not shown]");
    }

    @Test
    void allowHostsRefusesOtherHosts() throws Exception {
        ToolContext ctx = context(ws, policy("network: {allow: true, allowHosts: [\"example.com\", \"*.example.org\"]}"), Map.of("ALLOW_NET", "true"));
        ToolException e = refused("policy_denied", tool, args("url", url + "/page"), ctx);
        assertThat(e.getMessage()).contains("127.0.0.1", "allowHosts");
        refused("policy_denied", tool, args("url", "http://example.com.evil.test/"), ctx);
        refused("policy_denied", tool, args("url", "http://example.com@127.0.0.1:" + server.getAddress().getPort() + "/"), ctx);
        assertThat(requests).isEmpty();
    }

    @Test
    void allowHostsLetsListedHostsThroughByGlobAndIgnoringCase() throws Exception {
        for (String allowed : List.of("127.0.0.1", "127.0.0.*", "127.*")) {
            ToolContext ctx = context(ws, policy("network: {allow: true, allowHosts: [\"example.com\", \"" + allowed + "\"]}"),
                    Map.of("ALLOW_NET", "true"));
            assertThat(ok(tool, args("url", url + "/ok"), ctx).output()).endsWith("hello from /ok");
        }
        ToolContext upper = context(ws, policy("network: {allow: true, allowHosts: [\"LOCALHOST\"]}"), Map.of("ALLOW_NET", "true"));
        // The host check passes; whether localhost answers on this port does not matter here.
        try {
            tool.execute(args("url", "http://LocalHost:" + server.getAddress().getPort() + "/case"), upper);
        } catch (ToolException e) {
            assertThat(e.kind()).isEqualTo("tool_failed");
        }
        assertThat(requests).hasSizeGreaterThanOrEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/", "jar:file:/x.jar!/a",
            "example.com", "/relative/path", "http:///no-host", "http://exa mple.com/", "not a url", "", "javascript:alert(1)"})
    void nonHttpUrlsAreBadArguments(String bad) throws Exception {
        refused("bad_arguments", tool, args("url", bad), networkContext(ws, ""));
        // The same with network off: the argument is checked first, and nothing is fetched either way.
        refused("bad_arguments", tool, args("url", bad), context(ws));
    }

    @Test
    void missingOrMistypedUrlIsABadArgument() throws Exception {
        refused("bad_arguments", tool, args(), networkContext(ws, ""));
        refused("bad_arguments", tool, ToolFixtures.args().put("url", 80), networkContext(ws, ""));
    }

    @Test
    void anUnreachableServerIsAToolFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ToolException e = refused("tool_failed", tool, args("url", "http://127.0.0.1:" + closedPort + "/"), networkContext(ws, ""));
        assertThat(e.getMessage()).contains("cannot fetch");
    }
}
