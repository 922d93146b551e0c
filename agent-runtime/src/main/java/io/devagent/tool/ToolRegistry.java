package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools offered to the model, by name: a fixed set (the built-ins) and live sources whose tools
 * come and go while a run works (MCP endpoints that go down and come back). The run asks on every
 * step, so what it offers is always the current set.
 */
public final class ToolRegistry {

    /** Tools that change over time, such as those of the MCP endpoints. Implementations are thread-safe. */
    public interface Source {

        /** The tools to offer the model now. */
        Collection<? extends Tool> offered();

        /**
         * The tool to call by that name, if this source knows it. It may be one not offered right
         * now (its server is down), whose call then explains why it cannot run.
         */
        default Optional<Tool> find(String name) {
            return offered().stream().filter(t -> t.name().equals(name)).<Tool>map(t -> t).findFirst();
        }

        /** Secret values this source holds (resolved tokens), to be masked in whatever a run writes or prints. */
        default List<String> secrets() {
            return List.of();
        }
    }

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final List<Source> sources;

    public ToolRegistry(Collection<? extends Tool> tools) {
        this(tools, List.of());
    }

    public ToolRegistry(Collection<? extends Tool> tools, List<? extends Source> sources) {
        tools.forEach(tool -> this.tools.put(tool.name(), tool));
        this.sources = List.copyOf(sources);
    }

    /** The built-in tools of SPEC.md. */
    public static List<Tool> builtIns() {
        return List.of(new ListFilesTool(), new ReadFileTool(), new SearchFilesTool(), new WriteFileTool(),
                new EditFileTool(),
                new RunShellTool(), new HttpFetchTool());
    }

    /** This registry's tools plus those of {@code source}. */
    public ToolRegistry with(Source source) {
        List<Source> all = new ArrayList<>(sources);
        all.add(source);
        return new ToolRegistry(tools.values(), all);
    }

    public Optional<Tool> find(String name) {
        Tool fixed = tools.get(name);
        if (fixed != null) {
            return Optional.of(fixed);
        }
        for (Source source : sources) {
            Optional<Tool> found = source.find(name);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The tools offered now: the fixed ones, then each source's current ones. */
    public Collection<Tool> all() {
        if (sources.isEmpty()) {
            return tools.values();
        }
        Map<String, Tool> now = new LinkedHashMap<>(tools);
        for (Source source : sources) {
            source.offered().forEach(tool -> now.putIfAbsent(tool.name(), tool));
        }
        return now.values();
    }

    /** Secret values the tools hold (MCP tokens): the run masks them like the environment's secrets. */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        sources.forEach(source -> secrets.addAll(source.secrets()));
        return secrets;
    }

    /** The OpenAI {@code tools} array. */
    public ArrayNode schemas() {
        ArrayNode array = Json.array();
        for (Tool tool : all()) {
            ObjectNode fn = array.addObject().put("type", "function").putObject("function");
            fn.put("name", tool.name()).put("description", tool.description()).set("parameters", tool.parameters());
        }
        return array;
    }
}
