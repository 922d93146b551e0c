package io.devagent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.mcp.EndpointsFile;
import io.devagent.mcp.McpRegistry;
import io.devagent.policy.Policy;
import io.devagent.testkit.McpServers;
import io.devagent.tool.Tool;
import io.devagent.tool.ToolContext;
import io.devagent.tool.ToolResult;
import io.devagent.tool.Workspace;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The latency dev-agent adds to an MCP tool call: {@code echo} on server-everything called through
 * {@link io.devagent.mcp.McpTool#execute} (registry lookup, rate limiter, effect announcement, the async client with
 * a bounded wait, result to text, secret masking, output cap) against the same call made directly
 * with the SDK's {@link McpSyncClient}, over stdio and over streamable HTTP, in one process. The two
 * paths are timed in alternating blocks so that drift in the machine's load hits both alike.
 * {@code bench/run --mcp} runs it and writes its section of {@code BENCHMARKS.md}.
 */
public final class McpBench {

    static final String BEGIN = "<!-- bench-mcp:begin -->";
    static final String END = "<!-- bench-mcp:end -->";
    /** Calls each way, untimed then timed: set once in {@link #main}, tiny with {@code --smoke}. */
    private static int warmup = 300;
    private static int calls = 2000;

    private McpBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        if (options.smoke()) {
            warmup = 5;
            calls = 20;
        }
        McpServers servers = McpServers.find().orElseThrow(() -> new IllegalStateException(
                "the MCP benchmark needs node and the npm servers: " + McpServers.missing()));
        Path work = Files.createTempDirectory("dev-agent-mcp-bench-");
        String report;
        try (McpServers.HttpServerProcess http = servers.everythingHttp()) {
            report = measure(servers, http, work);
        } finally {
            TempTree.delete(work);
        }
        ReportFile.publish(options.out(), report, BEGIN, END, options.smoke(), List.of());
        System.exit(0);
    }

    /** Timings of one transport; {@code added} holds the paired differences (through − direct) of each round. */
    private record Row(String transport, Summary direct, Summary through, Summary added, double addedCi95) {
    }

    private static long timeDirect(McpSyncClient client, McpSchema.CallToolRequest request) {
        long started = System.nanoTime();
        McpSchema.CallToolResult result = client.callTool(request);
        long took = System.nanoTime() - started;
        check(result);
        return took;
    }

    private static long timeThrough(Tool tool, ObjectNode arguments, ToolContext context) throws Exception {
        long started = System.nanoTime();
        ToolResult result = tool.execute(arguments, context);
        long took = System.nanoTime() - started;
        check(result);
        return took;
    }

    /** Half the width of the 95% confidence interval of the mean, in nanoseconds. */
    private static double ci95(long[] samples) {
        double mean = java.util.Arrays.stream(samples).average().orElse(0);
        double variance = java.util.Arrays.stream(samples).mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, samples.length - 1);
        return 1.96 * Math.sqrt(variance / samples.length);
    }

    private static String measure(McpServers servers, McpServers.HttpServerProcess http, Path work) throws Exception {
        long begun = System.nanoTime();
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Path state = Files.createDirectories(work.resolve("state"));
        Path workspace = Files.createDirectories(work.resolve("workspace"));
        ObjectNode tree = EndpointsFile.newTree();
        ObjectNode stdio = EndpointsFile.addEndpoint(tree).put("name", "stdio").put("transport", "stdio");
        servers.everythingStdio().forEach(stdio.putArray("command")::add);
        EndpointsFile.addEndpoint(tree).put("name", "http").put("transport", "streamable-http").put("url", http.url());
        Path file = state.resolve("tools").resolve("mcp_endpoints.json");
        EndpointsFile.write(file, tree);
        Environment env = new Environment(Map.of());
        ToolContext context = new ToolContext(new Workspace(workspace), Policy.defaults(), env);
        ObjectNode arguments = Json.object().put("message", "hello");

        List<Row> rows = new ArrayList<>();
        try (McpRegistry registry = McpRegistry.start(file, env, line -> BenchMain.log(line))) {
            for (String transport : List.of("stdio", "http")) {
                Tool tool = registry.find(transport + "__echo").orElseThrow(() -> new IllegalStateException(
                        "endpoint " + transport + " is not up: " + registry.statuses()));
                try (McpSyncClient direct = directClient(servers, http, transport)) {
                    McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder("echo").arguments(Map.of("message", "hello")).build();
                    BenchMain.log(transport + ": warm-up, " + warmup + " calls each way");
                    for (int i = 0; i < warmup; i++) {
                        check(direct.callTool(request));
                        check(tool.execute(arguments, context));
                    }
                    // Paired: each round makes one call each way, in alternating order, so that drift and order hit both alike.
                    long[] directNanos = new long[calls];
                    long[] throughNanos = new long[calls];
                    for (int i = 0; i < calls; i++) {
                        if (i % 2 == 0) {
                            directNanos[i] = timeDirect(direct, request);
                            throughNanos[i] = timeThrough(tool, arguments, context);
                        } else {
                            throughNanos[i] = timeThrough(tool, arguments, context);
                            directNanos[i] = timeDirect(direct, request);
                        }
                    }
                    long[] added = new long[calls];
                    for (int i = 0; i < calls; i++) {
                        added[i] = throughNanos[i] - directNanos[i];
                    }
                    Row row = new Row(transport, Summary.of(directNanos), Summary.of(throughNanos), Summary.of(added), ci95(added));
                    BenchMain.log(String.format(Locale.ROOT, "%s: direct median %s ms, through dev-agent %s ms, added per call: median %s ms, "
                                    + "mean %s ± %s ms", transport, Fmt.ms(row.direct().medianMs()), Fmt.ms(row.through().medianMs()),
                            Fmt.ms(row.added().medianMs()), Fmt.ms(row.added().mean() / 1e6), Fmt.ms(row.addedCi95() / 1e6)));
                    rows.add(row);
                }
            }
        }
        return render(when, rows, (System.nanoTime() - begun) / 1e9);
    }

    private static McpSyncClient directClient(McpServers servers, McpServers.HttpServerProcess http, String transport) {
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        McpClientTransport t;
        if (transport.equals("stdio")) {
            List<String> argv = servers.everythingStdio();
            t = new StdioClientTransport(ServerParameters.builder(argv.get(0)).args(argv.subList(1, argv.size())).build(), json) {
                @Override
                protected ProcessBuilder getProcessBuilder() {
                    ProcessBuilder builder = new ProcessBuilder();
                    builder.environment().clear(); // server-everything can print its environment: give it nothing of ours
                    return builder;
                }
            };
        } else {
            java.net.URI uri = java.net.URI.create(http.url());
            t = HttpClientStreamableHttpTransport.builder(uri.getScheme() + "://" + uri.getRawAuthority()).endpoint(uri.getRawPath())
                    .jsonMapper(json).build();
        }
        McpSyncClient client = McpClient.sync(t).requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        return client;
    }

    private static void check(McpSchema.CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError())) {
            throw new IllegalStateException("the direct call failed: " + result);
        }
    }

    private static void check(ToolResult result) {
        if (result.error() || !result.output().equals("Echo: hello")) {
            throw new IllegalStateException("the call through dev-agent failed: " + result.output());
        }
    }

    private static String render(String when, List<Row> rows, double seconds) {
        StringBuilder md = new StringBuilder();
        md.append("## MCP tool calls: the latency dev-agent adds\n\n");
        md.append("Measured ").append(when).append(" (").append(String.format(Locale.ROOT, "%.0f", seconds))
                .append(" s). `echo` on `@modelcontextprotocol/server-everything` 2026.8.31, called ").append(calls)
                .append(" times each way after ").append(warmup).append(" untimed calls: directly with the MCP Java SDK's ")
                .append("`McpSyncClient`, and through dev-agent's `McpTool.execute` (registry lookup, rate limiter, effect announcement, ")
                .append("the SDK's async client with a bounded wait, result to text, secret masking, output cap) on its own connection. ")
                .append("The calls are paired: each round makes one call each way, in alternating order, and the added latency is ")
                .append("the difference within each pair. Over stdio each path has its own server process; over HTTP both use the same ")
                .append("server on loopback.\n\n");
        md.append("| transport | direct SDK median ms | p95 ms | through dev-agent median ms | p95 ms | added per call: median of the pairs, ms | mean ± 95% CI, ms |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            md.append("| ").append(row.transport().equals("http") ? "streamable HTTP" : "stdio").append(" | ")
                    .append(Fmt.ms(row.direct().medianMs())).append(" | ").append(Fmt.ms(row.direct().p95Ms())).append(" | ")
                    .append(Fmt.ms(row.through().medianMs())).append(" | ").append(Fmt.ms(row.through().p95Ms())).append(" | **")
                    .append(Fmt.ms(row.added().medianMs())).append("** | ").append(Fmt.ms(row.added().mean() / 1e6)).append(" ± ")
                    .append(Fmt.ms(row.addedCi95() / 1e6)).append(" |\n");
        }
        md.append("\nA difference near zero, or below zero, means the added work is within the noise of the call itself. ")
                .append("In a run, a side-effecting MCP call also journals an intent before it and an outcome after it, each fsync'd ")
                .append("(see the fsync floor above); a call the policy's `tools.readOnly` names does not. ")
                .append("Rerun with `bench/run --mcp` (needs node and `npm ci` in `mcp-servers/`).\n");
        return md.toString();
    }
}
