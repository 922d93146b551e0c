package io.devagent.tool;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class ToolRegistryTest {

    private final ToolRegistry registry = new ToolRegistry(ToolRegistry.builtIns());

    @Test
    void offersTheBuiltInToolsOfTheSpec() {
        assertThat(registry.all()).extracting(Tool::name)
                .containsExactly("list_files", "read_file", "search_files", "write_file", "edit_file", "run_shell", "http_fetch");
        assertThat(registry.find("read_file")).get().isInstanceOf(ReadFileTool.class);
        assertThat(registry.find("rm_rf")).isEmpty();
    }

    @Test
    void onlyWritingEditingAndShellAreSideEffecting() {
        assertThat(registry.all()).filteredOn(Tool::sideEffecting).extracting(Tool::name).containsExactly("write_file", "edit_file", "run_shell");
    }

    @Test
    void schemasAreOpenAiFunctionsWithTheSpecArguments() {
        JsonNode schemas = registry.schemas();
        assertThat(schemas).hasSize(7);
        assertArguments(schemas.get(0), "list_files", List.of("path"), List.of("path"));
        assertArguments(schemas.get(1), "read_file", List.of("path", "offset", "limit"), List.of("path"));
        assertArguments(schemas.get(2), "search_files", List.of("pattern", "path"), List.of("pattern"));
        assertArguments(schemas.get(3), "write_file", List.of("path", "content"), List.of("path", "content"));
        assertArguments(schemas.get(4), "edit_file", List.of("path", "old_string", "new_string", "replace_all"),
                List.of("path", "old_string", "new_string"));
        assertArguments(schemas.get(5), "run_shell", List.of("command"), List.of("command"));
        assertArguments(schemas.get(6), "http_fetch", List.of("url"), List.of("url"));
    }

    private static void assertArguments(JsonNode entry, String name, List<String> properties, List<String> required) {
        assertThat(entry.path("type").asText()).isEqualTo("function");
        JsonNode fn = entry.path("function");
        assertThat(fn.path("name").asText()).isEqualTo(name);
        assertThat(fn.path("description").asText()).isNotBlank();
        JsonNode params = fn.path("parameters");
        assertThat(params.path("type").asText()).isEqualTo("object");
        assertThat(params.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(params.path("properties").fieldNames()).toIterable().containsExactlyElementsOf(properties);
        params.path("properties").forEach(p -> assertThat(p.path("type").asText()).isIn("string", "integer", "boolean"));
        assertThat(StreamSupport.stream(params.path("required").spliterator(), false).map(JsonNode::asText)).containsExactlyElementsOf(required);
    }

    @Test
    void aLaterToolWithTheSameNameReplacesTheEarlier() {
        ToolRegistry custom = new ToolRegistry(List.of(new ReadFileTool(), new ListFilesTool(), new ReadFileTool()));
        assertThat(custom.all()).extracting(Tool::name).containsExactly("read_file", "list_files");
    }
}
