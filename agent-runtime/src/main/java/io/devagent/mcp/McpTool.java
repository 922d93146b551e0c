package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.tool.Tool;
import io.devagent.tool.ToolContext;
import io.devagent.tool.ToolException;
import io.devagent.tool.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A tool of an MCP server, offered to the model as {@code <endpoint>__<tool>} with the server's
 * description and input schema. A call goes through the same policy as a built-in tool (the run
 * checks the tool globs before it gets here), waits its turn under the endpoint's rate limit,
 * announces its side effect to the journal unless the policy's {@code tools.readOnly} names it,
 * and is bounded by the endpoint's timeout.
 */
public final class McpTool implements Tool {

    /** The longest tool name OpenAI-compatible servers accept. */
    private static final int MAX_NAME = 64;

    private final EndpointLink link;
    private final String name;
    private final String mcpName;
    private final String description;
    private final ObjectNode parameters;

    McpTool(EndpointLink link, McpSchema.Tool tool) {
        this.link = link;
        this.mcpName = tool.name();
        this.name = exposedName(link.endpoint().name(), tool.name());
        String text = tool.description() != null && !tool.description().isBlank() ? tool.description()
                : tool.title() != null ? tool.title() : tool.name();
        this.description = "[MCP server '" + link.endpoint().name() + "'] " + text;
        this.parameters = schema(tool.inputSchema());
    }

    /** A stand-in for a tool of an endpoint that is not up: its call says why it cannot run. */
    McpTool(EndpointLink link, String exposedName) {
        this.link = link;
        this.mcpName = null;
        this.name = exposedName;
        this.description = "[MCP server '" + link.endpoint().name() + "'] (unavailable)";
        this.parameters = schema(null);
    }

    /** {@code <endpoint>__<tool>}, with characters function names cannot hold replaced and overlong names shortened. */
    static String exposedName(String endpoint, String tool) {
        String name = endpoint + "__" + tool.replaceAll("[^A-Za-z0-9_-]", "_");
        if (name.length() <= MAX_NAME) {
            return name;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tool.getBytes(StandardCharsets.UTF_8));
            return name.substring(0, MAX_NAME - 9) + "_" + HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode schema(Map<String, Object> inputSchema) {
        JsonNode schema = inputSchema == null ? null : Json.MAPPER.valueToTree(inputSchema);
        ObjectNode object = schema instanceof ObjectNode o ? o : Json.object();
        if (!object.has("type")) {
            object.put("type", "object");
        }
        if (!object.has("properties")) {
            object.putObject("properties");
        }
        return object;
    }

    @Override
    public String name() {
        return name;
    }

    /** The tool's name on its server. */
    public String mcpName() {
        return mcpName;
    }

    public String endpoint() {
        return link.endpoint().name();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public ObjectNode parameters() {
        return parameters.deepCopy();
    }

    /** Every MCP tool is side-effecting unless the policy's {@code tools.readOnly} names it (decided at call time). */
    @Override
    public boolean sideEffecting() {
        return true;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext context) throws ToolException, InterruptedException {
        return link.call(this, arguments == null ? Json.object() : arguments, context);
    }
}
