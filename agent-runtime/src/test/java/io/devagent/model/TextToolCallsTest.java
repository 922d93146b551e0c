package io.devagent.model;

import io.devagent.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.devagent.model.ModelTestSupport.tools;
import static org.assertj.core.api.Assertions.assertThat;

/** The text convention: {@code <tool_call>{...}</tool_call>} blocks in the model's content. */
class TextToolCallsTest {

    @Test
    void oneBlockWithObjectArguments() {
        List<ToolCall> calls = TextToolCalls.parse(
                "I'll read it.\n<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"a.txt\"}}</tool_call>", 3);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("text_3_0");
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments()).isEqualTo(Json.object().put("path", "a.txt"));
            assertThat(call.argumentError()).isNull();
        });
    }

    @Test
    void argumentsGivenAsAJsonString() {
        List<ToolCall> calls = TextToolCalls.parse(
                "<tool_call>{\"name\": \"read_file\", \"arguments\": \"{\\\"path\\\": \\\"b.txt\\\"}\"}</tool_call>", 0);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("b.txt");
            assertThat(call.rawArguments()).isEqualTo("{\"path\": \"b.txt\"}");
            assertThat(call.argumentError()).isNull();
        });
    }

    @Test
    void jsonFenceInsideTheBlockIsTolerated() {
        List<ToolCall> calls = TextToolCalls.parse(
                "<tool_call>\n```json\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"c.txt\"}}\n```\n</tool_call>", 0);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("c.txt");
            assertThat(call.argumentError()).isNull();
        });
    }

    @Test
    void bareFenceWithoutLanguageIsTolerated() {
        List<ToolCall> calls = TextToolCalls.parse(
                "<tool_call>```\n{\"name\": \"list_dir\", \"arguments\": {}}\n```</tool_call>", 0);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("list_dir");
            assertThat(call.argumentError()).isNull();
        });
    }

    @Test
    void unclosedFinalBlockStillCounts() {
        // a model that stops at its stop token never writes the closing tag
        List<ToolCall> calls = TextToolCalls.parse(
                "Reading now.\n<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"d.txt\"}}\n", 1);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("text_1_0");
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("d.txt");
        });
    }

    @Test
    void twoBlocksGiveTwoCallsInOrder() {
        List<ToolCall> calls = TextToolCalls.parse(
                "<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"1\"}}</tool_call>\n"
                        + "and then\n"
                        + "<tool_call>{\"name\": \"write_file\", \"arguments\": {\"path\": \"2\", \"content\": \"x\"}}</tool_call>", 7);

        assertThat(calls).extracting(ToolCall::id).containsExactly("text_7_0", "text_7_1");
        assertThat(calls).extracting(ToolCall::name).containsExactly("read_file", "write_file");
        assertThat(calls.get(1).arguments().path("content").asText()).isEqualTo("x");
    }

    @Test
    void closedBlockThenUnclosedFinalBlock() {
        List<ToolCall> calls = TextToolCalls.parse(
                "<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call> <tool_call>{\"name\": \"b\", \"arguments\": {}}", 0);

        assertThat(calls).extracting(ToolCall::name).containsExactly("a", "b");
    }

    @Test
    void invalidJsonInsideABlockIsACallWithAnArgumentError() {
        List<ToolCall> calls = TextToolCalls.parse("<tool_call>{\"name\": \"read_file\", \"arguments\": {</tool_call>", 0);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("text_0_0");
            assertThat(call.arguments()).isNull();
            assertThat(call.rawArguments()).isEqualTo("{\"name\": \"read_file\", \"arguments\": {");
            assertThat(call.argumentError()).contains("not valid JSON");
        });
    }

    @Test
    void invalidBlockDoesNotHideAValidOne() {
        List<ToolCall> calls = TextToolCalls.parse(
                "<tool_call>oops</tool_call><tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"e\"}}</tool_call>", 0);

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).argumentError()).isNotNull();
        assertThat(calls.get(1).argumentError()).isNull();
        assertThat(calls.get(1).arguments().path("path").asText()).isEqualTo("e");
    }

    @Test
    void blockWithoutANameIsACallWithAnArgumentError() {
        List<ToolCall> calls = TextToolCalls.parse("<tool_call>{\"arguments\": {\"path\": \"f\"}}</tool_call>", 0);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.name()).isEmpty();
            assertThat(call.arguments()).isNull();
            assertThat(call.argumentError()).contains("\"name\"");
        });
    }

    @Test
    void brokenArgumentStringIsACallWithAnArgumentError() {
        List<ToolCall> calls = TextToolCalls.parse(
                "<tool_call>{\"name\": \"read_file\", \"arguments\": \"{\\\"path\\\": \"}</tool_call>", 0);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments()).isNull();
            assertThat(call.rawArguments()).isEqualTo("{\"path\": ");
            assertThat(call.argumentError()).contains("not valid JSON");
        });
    }

    @Test
    void parametersIsAcceptedForArguments() {
        List<ToolCall> calls = TextToolCalls.parse("<tool_call>{\"name\": \"read_file\", \"parameters\": {\"path\": \"g\"}}</tool_call>", 0);

        assertThat(calls).singleElement().satisfies(call -> assertThat(call.arguments().path("path").asText()).isEqualTo("g"));
    }

    @Test
    void missingArgumentsAreAnEmptyObject() {
        List<ToolCall> calls = TextToolCalls.parse("<tool_call>{\"name\": \"list_dir\"}</tool_call>", 0);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.arguments()).isEqualTo(Json.object());
            assertThat(call.rawArguments()).isEqualTo("{}");
            assertThat(call.argumentError()).isNull();
        });
    }

    @Test
    void emptyBlockIsSkipped() {
        assertThat(TextToolCalls.parse("<tool_call></tool_call>", 0)).isEmpty();
        assertThat(TextToolCalls.parse("<tool_call>   ", 0)).isEmpty();
    }

    @Test
    void contentWithoutBlocksHasNoCalls() {
        assertThat(TextToolCalls.parse(null, 0)).isEmpty();
        assertThat(TextToolCalls.parse("", 0)).isEmpty();
        assertThat(TextToolCalls.parse("The answer is {\"name\": \"read_file\"} in JSON.", 0)).isEmpty();
    }

    @Test
    void instructionsDescribeTheConventionAndEveryTool() {
        String instructions = TextToolCalls.instructions(tools());

        assertThat(instructions)
                .contains("<tool_call>{\"name\": \"TOOL_NAME\", \"arguments\": {...}}</tool_call>")
                .contains("<tool_result")
                .contains("- read_file: Reads a file")
                .contains("\"required\":[\"path\"]");
    }
}
