package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ToolCallSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.devagent.model.ModelTestSupport.MODEL;
import static io.devagent.model.ModelTestSupport.messages;
import static io.devagent.model.ModelTestSupport.settings;
import static io.devagent.model.ModelTestSupport.tools;
import static org.assertj.core.api.Assertions.assertThat;

/** Native tool-call arguments: every shape a server sends them in, and broken ones that must not throw. */
@Timeout(10)
class NativeToolCallsTest {

    @Test
    void argumentsAsAJsonString() {
        ToolCall call = ToolCall.of("c1", "read_file", TextNode.valueOf("{\"path\": \"a\"}"));

        assertThat(call.arguments()).isEqualTo(Json.object().put("path", "a"));
        assertThat(call.rawArguments()).isEqualTo("{\"path\": \"a\"}");
        assertThat(call.argumentError()).isNull();
    }

    @Test
    void argumentsAsAJsonObject() {
        ToolCall call = ToolCall.of("c1", "read_file", Json.object().put("path", "a"));

        assertThat(call.arguments()).isEqualTo(Json.object().put("path", "a"));
        assertThat(call.rawArguments()).isEqualTo("{\"path\":\"a\"}");
        assertThat(call.argumentError()).isNull();
    }

    @Test
    void absentNullOrBlankArgumentsAreAnEmptyObject() {
        for (JsonNode none : new JsonNode[] {null, NullNode.getInstance(), MissingNode.getInstance(), TextNode.valueOf("  ")}) {
            ToolCall call = ToolCall.of("c", "list_dir", none);
            assertThat(call.arguments()).as("arguments %s", none).isEqualTo(Json.object());
            assertThat(call.rawArguments()).isEqualTo("{}");
            assertThat(call.argumentError()).isNull();
        }
    }

    @Test
    void truncatedArgumentsGiveAnArgumentErrorNotAnException() {
        ToolCall call = ToolCall.of("c1", "read_file", TextNode.valueOf("{\"path\": "));

        assertThat(call.id()).isEqualTo("c1");
        assertThat(call.name()).isEqualTo("read_file");
        assertThat(call.arguments()).isNull();
        assertThat(call.rawArguments()).isEqualTo("{\"path\": ");
        assertThat(call.argumentError()).startsWith("arguments are not valid JSON").doesNotContain("\n");
    }

    @Test
    void argumentsThatAreJsonButNotAnObjectGiveAnArgumentError() {
        ToolCall array = ToolCall.of("c1", "read_file", TextNode.valueOf("[\"a\"]"));
        ToolCall number = ToolCall.of("c2", "read_file", IntNode.valueOf(5));

        assertThat(array.arguments()).isNull();
        assertThat(array.argumentError()).isEqualTo("arguments must be a JSON object, got array");
        assertThat(number.arguments()).isNull();
        assertThat(number.rawArguments()).isEqualTo("5");
        assertThat(number.argumentError()).isEqualTo("arguments must be a JSON object");
    }

    @Test
    void brokenArgumentsFromTheServerGiveAnArgumentErrorAndKeepTheRawText() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start()) {
            server.script(Reply.toolCalls(new ToolCallSpec("read_file", "{\"path\": "), new ToolCallSpec("read_file", "{\"path\":\"ok\"}")));

            ModelReply reply = new ModelClient(settings(server, false)).chat(MODEL, messages(), tools());

            assertThat(reply.textConvention()).isFalse();
            assertThat(reply.toolCalls()).hasSize(2);
            assertThat(reply.toolCalls().get(0)).satisfies(call -> {
                assertThat(call.arguments()).isNull();
                assertThat(call.rawArguments()).isEqualTo("{\"path\": ");
                assertThat(call.argumentError()).contains("not valid JSON");
            });
            assertThat(reply.toolCalls().get(1).argumentError()).isNull();
            // the conversation keeps what the model actually sent, so the error it is told about makes sense
            assertThat(reply.assistantMessage().path("tool_calls").path(0).path("function").path("arguments").asText())
                    .isEqualTo("{\"path\": ");
        }
    }
}
