package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.mcp.EndpointStatus;
import io.devagent.mcp.EndpointsException;
import io.devagent.mcp.EndpointsFile;
import io.devagent.mcp.McpRegistry;
import io.devagent.mcp.McpState;
import io.devagent.view.StateView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code agent mcp list | check}: the MCP endpoints of {@code <state>/tools/mcp_endpoints.json}. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"The MCP endpoints in <state>/tools/mcp_endpoints.json, whose tools runs are offered as <endpoint>__<tool>.",
                "Tokens are never shown."},
        subcommands = {McpCommand.ListEndpoints.class, McpCommand.Check.class})
final class McpCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say list or check");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Endpoints with their transport, auth (redacted), rate limit, and the status last recorded: state, "
                    + "checked_at, latency, tools.", "A running main runtime keeps that status current; 'agent mcp check' probes now."})
    static final class ListEndpoints extends StateCommand implements Callable<Integer> {
        @Option(names = "--json", description = "Print the endpoints file as JSON, secrets replaced by [REDACTED]")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = out();
            Path file = state().mcpEndpoints();
            ObjectNode redacted = new StateView(state()).mcpEndpoints();
            if (redacted.has("error")) {
                err().println("error: " + redacted.path("error").asText());
                return ExitCodes.USAGE;
            }
            try {
                EndpointsFile.read(file); // validation: the same rules a run applies
            } catch (EndpointsException | IOException e) {
                err().println("error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (json) {
                redacted.put("file", file.toString());
                out.println(Json.write(redacted));
                return ExitCodes.OK;
            }
            if (!Files.exists(file)) {
                out.println("no MCP endpoints configured; create " + file + " (see README, \"MCP tools\")");
                return ExitCodes.OK;
            }
            out.println(file);
            out.printf("%-16s %-15s %-12s %5s %9s  %-20s  %s%n", "NAME", "TRANSPORT", "STATE", "TOOLS", "LATENCY", "CHECKED_AT", "TARGET");
            for (JsonNode endpoint : redacted.path("endpoints")) {
                String name = endpoint.path("name").asText();
                EndpointStatus status = EndpointStatus.fromJson(endpoint.get("status"));
                out.printf("%-16s %-15s %-12s %5d %9s  %-20s  %s%n", name, transport(endpoint), status.state().json(), status.tools(),
                        status.latencyMs() == null ? "-" : status.latencyMs() + " ms",
                        status.checkedAt() == null ? "never" : status.checkedAt().replaceFirst("\\.\\d+Z$", "Z"), target(endpoint));
                String auth = auth(endpoint.path("auth"));
                String limit = rateLimit(endpoint.path("rateLimit"));
                if (!auth.isEmpty() || !limit.isEmpty()) {
                    out.println("    " + String.join("; ", List.of(auth, limit).stream().filter(s -> !s.isEmpty()).toList()));
                }
                if (status.error() != null) {
                    out.println("    error: " + status.error());
                }
                if (!status.toolNames().isEmpty()) {
                    out.println("    tools: " + String.join(", ", status.toolNames().stream().map(t -> name + "__" + t).toList()));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Probe every endpoint now (connect, list its tools), record each status in the file, and report.",
                    "Exits 1 if any endpoint is down or unauthorized."})
    static final class Check extends StateCommand implements Callable<Integer> {
        @Option(names = "--json", description = "Print {\"ok\", \"endpoints\": [{\"name\", \"state\", \"tools\", \"latency_ms\", \"checked_at\", \"error\"}]}")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = out();
            Path file = state().mcpEndpoints();
            Map<String, EndpointStatus> statuses;
            try {
                statuses = McpRegistry.check(file, env);
            } catch (EndpointsException | IOException e) {
                err().println("error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            boolean ok = statuses.values().stream().noneMatch(s -> s.state() == McpState.DOWN || s.state() == McpState.UNAUTHORIZED);
            if (json) {
                ObjectNode report = Json.object().put("ok", ok).put("file", file.toString());
                ArrayNode endpoints = report.putArray("endpoints");
                statuses.forEach((name, status) -> endpoints.add(Json.object().put("name", name).setAll(status.toJson())));
                out.println(Json.write(report));
            } else if (statuses.isEmpty()) {
                out.println("no MCP endpoints configured in " + file);
            } else {
                for (Map.Entry<String, EndpointStatus> e : statuses.entrySet()) {
                    EndpointStatus s = e.getValue();
                    out.printf("%-16s %-12s %s%n", e.getKey(), s.state().json(), s.up()
                            ? s.tools() + " tools, " + s.latencyMs() + " ms" : s.error());
                }
            }
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private static String transport(JsonNode endpoint) {
        if (endpoint.hasNonNull("transport")) {
            return endpoint.get("transport").asText();
        }
        return endpoint.has("command") ? "stdio" : "streamable-http";
    }

    private static String target(JsonNode endpoint) {
        JsonNode command = endpoint.get("command");
        if (command != null && command.isArray()) {
            List<String> argv = new ArrayList<>();
            command.forEach(a -> argv.add(a.asText()));
            return String.join(" ", argv);
        }
        return command != null ? command.asText() : endpoint.path("url").asText("");
    }

    /** How the endpoint authenticates, from the redacted file: never a token. */
    private static String auth(JsonNode auth) {
        List<String> parts = new ArrayList<>();
        if (auth.hasNonNull("token")) {
            parts.add("bearer token " + EndpointsFile.MASK + " (in the file)");
        }
        if (auth.hasNonNull("tokenEnv")) {
            parts.add("bearer token from $" + auth.get("tokenEnv").asText());
        }
        if (auth.hasNonNull("tokenFile")) {
            parts.add("bearer token from " + auth.get("tokenFile").asText());
        }
        JsonNode headers = auth.path("headers");
        for (Iterator<String> it = headers.fieldNames(); it.hasNext(); ) {
            parts.add("header " + it.next() + ": " + EndpointsFile.MASK);
        }
        return parts.isEmpty() ? "" : "auth: " + String.join(", ", parts);
    }

    private static String rateLimit(JsonNode limit) {
        if (!limit.isObject()) {
            return "";
        }
        return "rate limit: " + limit.path("requestsPerMinute").asText() + "/min"
                + (limit.has("burst") ? ", burst " + limit.get("burst").asText() : "")
                + (limit.has("maxWaitSeconds") ? ", waits at most " + limit.get("maxWaitSeconds").asText() + " s" : "");
    }
}
