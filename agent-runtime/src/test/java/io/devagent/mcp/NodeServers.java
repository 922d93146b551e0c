package io.devagent.mcp;

import io.devagent.testkit.McpServers;
import io.devagent.testkit.Prerequisite;

import java.util.Optional;

/** The npm MCP servers for tests: a test that needs them fails under CI (CI=true) when they are missing, and is skipped elsewhere. */
final class NodeServers {

    private NodeServers() {
    }

    static McpServers require() {
        Optional<McpServers> found = McpServers.find();
        Prerequisite.require("the npm MCP servers (.ci/run installs them)", found.isPresent() ? Optional.empty() : Optional.of(McpServers.missing()));
        return found.orElseThrow();
    }
}
