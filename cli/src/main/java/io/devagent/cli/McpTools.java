package io.devagent.cli;

import io.devagent.mcp.EndpointStatus;
import io.devagent.mcp.McpRegistry;
import io.devagent.metrics.Metrics;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.tool.ToolRegistry;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The MCP endpoints of a run started from the CLI: when {@code <state>/tools/mcp_endpoints.json}
 * exists, its endpoints are connected (each within its connect timeout) and their tools offered
 * beside the built-ins; without the file the agent has the built-ins only.
 */
final class McpTools implements AutoCloseable {

    private final McpRegistry registry;

    private McpTools(McpRegistry registry) {
        this.registry = registry;
    }

    /**
     * For a run in this process: connects when the file exists, and says on {@code err} which
     * endpoints are not up (their tools are not offered). Later changes go to the file's status only,
     * so as not to break the progress line.
     */
    static McpTools forLocalRun(AgentConfig config, PrintWriter err) {
        if (!Files.exists(config.state().mcpEndpoints())) {
            return new McpTools(null);
        }
        boolean[] started = {false};
        McpRegistry registry = McpRegistry.start(config.state().mcpEndpoints(), config.env(), line -> {
            if (!started[0] && line.startsWith("MCP endpoints not")) {
                synchronized (err) {
                    err.println("warning: " + line);
                    err.flush();
                }
            }
        });
        started[0] = true;
        for (Map.Entry<String, EndpointStatus> e : registry.statuses().entrySet()) {
            EndpointStatus status = e.getValue();
            if (!status.up()) {
                err.println("warning: MCP endpoint '" + e.getKey() + "' is " + status.state().json()
                        + (status.error() == null ? "" : " (" + status.error() + ")") + "; its tools are not offered");
            }
        }
        err.flush();
        return new McpTools(registry);
    }

    /**
     * For the main runtime: always watching the file (it may be created or edited while the runtime
     * lives); state changes go to the runtime's log.
     */
    static McpTools forMainRuntime(AgentConfig config, PrintWriter log) {
        return new McpTools(McpRegistry.start(config.state().mcpEndpoints(), config.env(), line -> {
            synchronized (log) {
                log.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
                log.flush();
            }
        }));
    }

    /** An agent offering the built-in tools and, when configured, the MCP endpoints' tools. */
    Agent agent(AgentConfig config) {
        if (registry == null) {
            return new Agent(config);
        }
        return new Agent(config, new ToolRegistry(ToolRegistry.builtIns()).with(registry), new Metrics());
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
