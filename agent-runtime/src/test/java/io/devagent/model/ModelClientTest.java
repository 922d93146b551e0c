package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ToolCallSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static io.devagent.model.ModelTestSupport.MODEL;
import static io.devagent.model.ModelTestSupport.completionJson;
import static io.devagent.model.ModelTestSupport.messages;
import static io.devagent.model.ModelTestSupport.settings;
import static io.devagent.model.ModelTestSupport.tools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/** Non-streamed completions and {@code GET /models} against the real scripted HTTP server. */
class ModelClientTest extends ScriptedServerTest {

    @Test
    void plainAnswerHasContentNoCallsAndUsageFromTheServer() throws Exception {
        server.script(Reply.text("The file says hello."));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("The file says hello.");
        assertThat(reply.toolCalls()).isEmpty();
        assertThat(reply.textConvention()).isFalse();
        assertThat(reply.usage().prompt()).isPositive();
        assertThat(reply.usage().completion()).isPositive();
        assertThat(reply.usage().total()).isEqualTo(reply.usage().prompt() + reply.usage().completion());
        assertThat(reply.assistantMessage().path("role").asText()).isEqualTo("assistant");
        assertThat(reply.assistantMessage().path("content").asText()).isEqualTo("The file says hello.");
        assertThat(reply.assistantMessage().has("tool_calls")).isFalse();
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void usageIsTakenFromTheUsageObjectAsReported() throws Exception {
        server.script(Reply.raw("application/json", completionJson("{\"role\":\"assistant\",\"content\":\"ok\"}",
                "{\"prompt_tokens\":120,\"completion_tokens\":7,\"total_tokens\":130}")));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        // total_tokens is taken as reported, not recomputed (some servers count extra tokens in it)
        assertThat(reply.usage()).isEqualTo(new Tokens(120, 7, 130));
    }

    @Test
    void usageWithoutTotalIsTheSumOfPromptAndCompletion() throws Exception {
        server.script(Reply.raw("application/json", completionJson("{\"role\":\"assistant\",\"content\":\"ok\"}",
                "{\"prompt_tokens\":40,\"completion_tokens\":2}")));

        assertThat(client().chat(MODEL, messages(), tools()).usage()).isEqualTo(new Tokens(40, 2, 42));
    }

    @Test
    void missingUsageCountsAsZero() throws Exception {
        server.script(Reply.raw("application/json", completionJson("{\"role\":\"assistant\",\"content\":\"ok\"}", null)));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("ok");
        assertThat(reply.usage()).isEqualTo(Tokens.ZERO);
    }

    @Test
    void nativeToolCallWithArgumentsAsJsonString() throws Exception {
        server.script(Reply.toolCall("read_file", "{\"path\":\"a.txt\"}"));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(reply.content()).isNull();
        assertThat(reply.textConvention()).isFalse();
        assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).startsWith("call_");
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("a.txt");
            assertThat(call.rawArguments()).isEqualTo("{\"path\":\"a.txt\"}");
            assertThat(call.argumentError()).isNull();
        });
        JsonNode kept = reply.assistantMessage().path("tool_calls").path(0);
        assertThat(kept.path("id").asText()).isEqualTo(reply.toolCalls().get(0).id());
        assertThat(kept.path("type").asText()).isEqualTo("function");
        assertThat(kept.path("function").path("name").asText()).isEqualTo("read_file");
        assertThat(kept.path("function").path("arguments").asText()).isEqualTo("{\"path\":\"a.txt\"}");
        assertThat(reply.assistantMessage().path("content").isNull()).isTrue();
    }

    @Test
    void nativeToolCallWithArgumentsAsJsonObject() throws Exception {
        server.script(Reply.toolCalls(new ToolCallSpec("read_file", "{\"path\":\"b.txt\",\"limit\":3}", true)));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(server.requests()).hasSize(1);
        assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("b.txt");
            assertThat(call.arguments().path("limit").asInt()).isEqualTo(3);
            assertThat(call.argumentError()).isNull();
        });
        // the message kept in the conversation carries the arguments as a JSON string, the form every server accepts
        JsonNode arguments = reply.assistantMessage().path("tool_calls").path(0).path("function").path("arguments");
        assertThat(arguments.isTextual()).isTrue();
        assertThat(Json.parse(arguments.asText())).isEqualTo(Json.parse("{\"path\":\"b.txt\",\"limit\":3}"));
    }

    @Test
    void severalNativeToolCallsKeepTheirOrder() throws Exception {
        server.script(Reply.toolCalls(
                new ToolCallSpec("read_file", "{\"path\":\"one\"}"),
                new ToolCallSpec("list_dir", "{\"path\":\".\"}", true)));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(reply.toolCalls()).extracting(ToolCall::name).containsExactly("read_file", "list_dir");
        assertThat(reply.toolCalls()).extracting(call -> call.arguments().path("path").asText()).containsExactly("one", ".");
        assertThat(reply.toolCalls()).extracting(ToolCall::id).doesNotHaveDuplicates();
        assertThat(reply.assistantMessage().path("tool_calls")).hasSize(2);
    }

    @Test
    void toolCallsWithoutIdsGetGeneratedOnes() throws Exception {
        server.script(Reply.raw("application/json", completionJson("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + "{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"x\\\"}\"}},"
                + "{\"id\":\"\",\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":{\"path\":\"y\"}}}]}", null)));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(reply.toolCalls()).extracting(ToolCall::id).containsExactly("call_0", "call_1");
        assertThat(reply.toolCalls()).extracting(call -> call.arguments().path("path").asText()).containsExactly("x", "y");
    }

    @Test
    void requestCarriesModelMessagesToolsAndNoStreaming() throws Exception {
        server.script(Reply.text("ok"));

        client().chat(MODEL, messages(), tools());

        JsonNode request = server.requests().get(0);
        assertThat(request.path("model").asText()).isEqualTo(MODEL);
        assertThat(request.path("messages")).isEqualTo(Json.MAPPER.valueToTree(messages()));
        assertThat(request.path("tools")).isEqualTo(tools());
        assertThat(request.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(request.path("stream").isBoolean()).isTrue();
        assertThat(request.path("stream").asBoolean()).isFalse();
        assertThat(request.has("stream_options")).isFalse();
        assertThat(server.chatRequestHeaders().get(0).get("Content-Type")).containsExactly("application/json");
    }

    @Test
    void noToolsOfferedWhenToolsAreNullOrEmpty() throws Exception {
        server.script(Reply.text("a"), Reply.text("b"));

        client().chat(MODEL, messages(), null);
        client().chat(MODEL, messages(), Json.array());

        assertThat(server.requests()).hasSize(2).allSatisfy(request -> {
            assertThat(request.has("tools")).isFalse();
            assertThat(request.has("tool_choice")).isFalse();
        });
    }

    @Test
    void withoutNativeToolsAPlainAnswerIsMarkedAsTextConvention() throws Exception {
        server.script(Reply.text("Done, nothing to do."));

        ModelReply reply = client().chat(MODEL, messages(), null);

        assertThat(reply.textConvention()).isTrue();
        assertThat(reply.toolCalls()).isEmpty();
        assertThat(reply.content()).isEqualTo("Done, nothing to do.");
    }

    @Test
    void withoutNativeToolsTextBlocksBecomeToolCalls() throws Exception {
        server.script(Reply.content("Let me look.\n<tool_call>{\"name\":\"read_file\",\"arguments\":{\"path\":\"a.txt\"}}</tool_call>"));

        ModelReply reply = client().chat(MODEL, messages(), null);

        assertThat(reply.textConvention()).isTrue();
        assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("text_0_0");
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("a.txt");
        });
    }

    @Test
    void nativeReplyWhoseContentHoldsToolCallTextIsParsedAsTextConvention() throws Exception {
        String content = "I will read it.\n<tool_call>{\"name\":\"read_file\",\"arguments\":{\"path\":\"a.txt\"}}</tool_call>";
        server.script(Reply.content(content));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(reply.textConvention()).isTrue();
        assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("a.txt");
            assertThat(call.argumentError()).isNull();
        });
        // text-convention calls stay in the content; no native tool_calls are invented for the conversation
        assertThat(reply.assistantMessage().has("tool_calls")).isFalse();
        assertThat(reply.assistantMessage().path("content").asText()).isEqualTo(content);
    }

    @Test
    void nativeCallsWinOverToolCallTextInTheContent() throws Exception {
        server.script(Reply.raw("application/json", completionJson("{\"role\":\"assistant\","
                + "\"content\":\"<tool_call>{\\\"name\\\":\\\"other\\\",\\\"arguments\\\":{}}</tool_call>\","
                + "\"tool_calls\":[{\"id\":\"n1\",\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{}\"}}]}", null)));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(reply.textConvention()).isFalse();
        assertThat(reply.toolCalls()).extracting(ToolCall::id, ToolCall::name).containsExactly(tuple("n1", "read_file"));
    }

    @Test
    void aJsonAnswerToAStreamedRequestIsStillRead() throws Exception {
        // some servers ignore "stream": true and answer with one JSON completion
        server.script(Reply.raw("application/json", completionJson("{\"role\":\"assistant\",\"content\":\"whole\"}",
                "{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}")));

        ModelReply reply = new ModelClient(settings(server, true)).chat(MODEL, messages(), tools());

        assertThat(server.requests().get(0).path("stream").asBoolean()).isTrue();
        assertThat(reply.content()).isEqualTo("whole");
        assertThat(reply.usage()).isEqualTo(new Tokens(3, 1, 4));
    }

    @Test
    void latencyCoversTheWaitForTheAnswer() throws Exception {
        server.script(Reply.delayed(200, Reply.text("slow")));

        ModelReply reply = client().chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("slow");
        assertThat(reply.latencyMillis()).isGreaterThanOrEqualTo(200);
    }

    @Test
    void resolveModelPicksTheFirstListedModelWhenLlmModelIsUnset() throws Exception {
        server.models("first-model", "second-model");
        ModelSettings noModel = new ModelSettings(server.baseUrl(), Optional.empty(), Optional.empty(), false,
                ModelSettings.ToolMode.AUTO, Duration.ofSeconds(5), 3, ModelTestSupport.RETRY_BASE);

        assertThat(new ModelClient(noModel).resolveModel()).isEqualTo("first-model");
        assertThat(server.modelsRequestCount()).isEqualTo(1);
    }

    @Test
    void resolveModelUsesLlmModelWithoutAskingTheServer() throws Exception {
        server.models("listed-model");

        assertThat(client().resolveModel()).isEqualTo(MODEL);
        assertThat(server.modelsRequestCount()).isZero();
    }

    @Test
    void resolveModelWithAnEmptyModelListIsUnavailableWithAClearMessage() {
        server.models();
        ModelSettings noModel = new ModelSettings(server.baseUrl(), Optional.empty(), Optional.empty(), false,
                ModelSettings.ToolMode.AUTO, Duration.ofSeconds(5), 3, ModelTestSupport.RETRY_BASE);

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> new ModelClient(noModel).resolveModel());

        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains(server.baseUrl())
                .contains("lists no model")
                .contains("LLM_MODEL")
                .doesNotContain("\n");
    }

    @Test
    void resolveModelWithARefusedKeyMentionsLlmApiKeyButNotTheKey() {
        server.modelsStatus(401);
        ModelSettings keyed = new ModelSettings(server.baseUrl(), Optional.empty(), Optional.of("sk-models-secret"), false,
                ModelSettings.ToolMode.AUTO, Duration.ofSeconds(5), 3, ModelTestSupport.RETRY_BASE);

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> new ModelClient(keyed).resolveModel());

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("HTTP 401").contains("LLM_API_KEY").doesNotContain("sk-models-secret");
        assertThat(server.modelsRequestHeaders()).singleElement()
                .satisfies(headers -> assertThat(headers.get("authorization")).containsExactly("Bearer sk-models-secret"));
    }

    @Test
    void resolveModelWithAServerErrorSuggestsSettingLlmModel() {
        server.modelsStatus(500);
        ModelSettings noModel = new ModelSettings(server.baseUrl(), Optional.empty(), Optional.empty(), false,
                ModelSettings.ToolMode.AUTO, Duration.ofSeconds(5), 3, ModelTestSupport.RETRY_BASE);

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> new ModelClient(noModel).resolveModel());

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("HTTP 500").contains("LLM_MODEL");
    }

    @Test
    void baseUrlWithATrailingSlashStillReachesTheEndpoints() throws Exception {
        server.script(Reply.text("slash"));
        ModelSettings slashed = settings(server.baseUrl() + "/", false, Optional.empty(), Duration.ofSeconds(5), 0);

        assertThat(slashed.baseUrl()).isEqualTo(server.baseUrl());
        assertThat(new ModelClient(slashed).chat(MODEL, messages(), tools()).content()).isEqualTo("slash");
    }
}
