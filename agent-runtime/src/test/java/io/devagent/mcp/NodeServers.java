package io.devagent.mcp;

import io.devagent.testkit.McpServers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.Optional;

/** The npm MCP servers for tests: a test that needs them fails under CI (CI=true) when they are missing, and is skipped elsewhere. */
final class NodeServers {

    private NodeServers() {
    }

    static McpServers require() {
        Optional<McpServers> found = McpServers.find();
        if (found.isPresent()) {
            return found.get();
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("this test runs real MCP servers and CI=true: " + McpServers.missing() + " (.ci/run does both)");
        }
        Assumptions.abort("needs the npm MCP servers: " + McpServers.missing());
        throw new IllegalStateException("unreachable");
    }
}
