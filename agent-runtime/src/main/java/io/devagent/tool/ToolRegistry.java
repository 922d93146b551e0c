package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tools offered to the model, by name. */
public final class ToolRegistry {

    private final Map<String, Tool> tools = new LinkedHashMap<>();

    public ToolRegistry(Collection<? extends Tool> tools) {
        tools.forEach(tool -> this.tools.put(tool.name(), tool));
    }

    /** The built-in tools of SPEC.md. */
    public static List<Tool> builtIns() {
        return List.of(new ListFilesTool(), new ReadFileTool(), new SearchFilesTool(), new WriteFileTool(),
                new RunShellTool(), new HttpFetchTool());
    }

    public Optional<Tool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    public Collection<Tool> all() {
        return tools.values();
    }

    /** The OpenAI {@code tools} array. */
    public ArrayNode schemas() {
        ArrayNode array = Json.array();
        for (Tool tool : tools.values()) {
            ObjectNode fn = array.addObject().put("type", "function").putObject("function");
            fn.put("name", tool.name()).put("description", tool.description()).set("parameters", tool.parameters());
        }
        return array;
    }
}
