package io.devagent.model;

import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ToolCallSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static io.devagent.model.ModelTestSupport.MODEL;
import static io.devagent.model.ModelTestSupport.chunk;
import static io.devagent.model.ModelTestSupport.messages;
import static io.devagent.model.ModelTestSupport.settings;
import static io.devagent.model.ModelTestSupport.tools;
import static io.devagent.model.ModelTestSupport.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Streamed completions (server-sent events) assembled into one reply, over real HTTP. */
class StreamedReplyTest extends ScriptedServerTest {

    private ModelClient client;

    @BeforeEach
    void streamingClient() {
        client = new ModelClient(settings(server, true));
    }

    @Test
    void contentSplitOverDeltasIsJoinedAndUsageComesFromTheUsageChunk() throws Exception {
        server.script(Reply.text("Hello from a streamed answer."));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("Hello from a streamed answer.");
        assertThat(reply.toolCalls()).isEmpty();
        assertThat(reply.textConvention()).isFalse();
        assertThat(reply.usage().prompt()).isPositive();
        assertThat(reply.usage().completion()).isPositive();
        assertThat(reply.usage().total()).isEqualTo(reply.usage().prompt() + reply.usage().completion());
        assertThat(reply.assistantMessage().path("content").asText()).isEqualTo("Hello from a streamed answer.");
    }

    @Test
    void streamedRequestAsksForUsageAndEventStream() throws Exception {
        server.script(Reply.text("ok"));

        client.chat(MODEL, messages(), tools());

        assertThat(server.requests().get(0).path("stream").asBoolean()).isTrue();
        assertThat(server.requests().get(0).path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(server.chatRequestHeaders().get(0).get("accept")).singleElement().asString().contains("text/event-stream");
    }

    @Test
    void usageIsTakenFromTheUsageChunkAsReported() throws Exception {
        server.script(Reply.events(
                chunk("{\"role\":\"assistant\",\"content\":\"Hi\"}", null),
                chunk("{}", "stop"),
                usageChunk("{\"prompt_tokens\":11,\"completion_tokens\":4,\"total_tokens\":16}"),
                "[DONE]"));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("Hi");
        assertThat(reply.usage()).isEqualTo(new Tokens(11, 4, 16));
    }

    @Test
    void streamedUsageWithoutTotalIsSummed() throws Exception {
        server.script(Reply.events(
                chunk("{\"content\":\"Hi\"}", null),
                chunk("{}", "stop"),
                usageChunk("{\"prompt_tokens\":9,\"completion_tokens\":3}"),
                "[DONE]"));

        assertThat(client.chat(MODEL, messages(), tools()).usage()).isEqualTo(new Tokens(9, 3, 12));
    }

    @Test
    void streamWithoutUsageCountsZero() throws Exception {
        server.script(Reply.events(chunk("{\"content\":\"Hi\"}", null), chunk("{}", "stop"), "[DONE]"));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("Hi");
        assertThat(reply.usage()).isEqualTo(Tokens.ZERO);
    }

    @Test
    void streamEndingWithAFinishReasonButNoDoneIsComplete() throws Exception {
        server.script(Reply.events(chunk("{\"content\":\"all here\"}", null), chunk("{}", "stop")));

        assertThat(client.chat(MODEL, messages(), tools()).content()).isEqualTo("all here");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void nativeToolCallArgumentsSplitOverDeltasAreJoined() throws Exception {
        server.script(Reply.toolCall("read_file", "{\"path\":\"src/Main.java\"}"));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.content()).isNull();
        assertThat(reply.textConvention()).isFalse();
        assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).startsWith("call_");
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("src/Main.java");
            assertThat(call.rawArguments()).isEqualTo("{\"path\":\"src/Main.java\"}");
            assertThat(call.argumentError()).isNull();
        });
        assertThat(reply.assistantMessage().path("tool_calls").path(0).path("function").path("arguments").asText())
                .isEqualTo("{\"path\":\"src/Main.java\"}");
        assertThat(reply.usage().total()).isPositive();
    }

    @Test
    void severalStreamedToolCallsAreAssembledByIndex() throws Exception {
        server.script(Reply.toolCalls(
                new ToolCallSpec("read_file", "{\"path\":\"a\"}"),
                new ToolCallSpec("read_file", "{\"path\":\"b\"}", true)));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.toolCalls()).extracting(call -> call.arguments().path("path").asText()).containsExactly("a", "b");
        assertThat(reply.toolCalls()).extracting(ToolCall::id).doesNotHaveDuplicates();
    }

    @Test
    void interleavedToolCallDeltasAndSplitNamesAreAssembled() throws Exception {
        server.script(Reply.events(
                chunk("{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"c0\",\"function\":{\"name\":\"read_\",\"arguments\":\"{\\\"pa\"}}]}", null),
                chunk("{\"tool_calls\":[{\"index\":1,\"function\":{\"name\":\"list_dir\",\"arguments\":\"{}\"}}]}", null),
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"file\",\"arguments\":\"th\\\":\\\"x\\\"}\"}}]}", null),
                chunk("{}", "tool_calls"),
                "[DONE]"));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.toolCalls()).hasSize(2);
        assertThat(reply.toolCalls().get(0)).satisfies(call -> {
            assertThat(call.id()).isEqualTo("c0");
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments().path("path").asText()).isEqualTo("x");
        });
        assertThat(reply.toolCalls().get(1)).satisfies(call -> {
            assertThat(call.id()).isEqualTo("call_1"); // the server sent none
            assertThat(call.name()).isEqualTo("list_dir");
            assertThat(call.arguments()).isEqualTo(Json.object());
        });
    }

    @Test
    void streamedArgumentsSentAsAJsonObjectAreRead() throws Exception {
        server.script(Reply.events(
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"obj\",\"function\":{\"name\":\"read_file\",\"arguments\":{\"path\":\"o.txt\"}}}]}", null),
                chunk("{}", "tool_calls"),
                "[DONE]"));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.argumentError()).isNull();
            assertThat(call.arguments().path("path").asText()).isEqualTo("o.txt");
        });
    }

    @Test
    void brokenStreamedArgumentsGiveAnArgumentErrorNotAnException() throws Exception {
        server.script(Reply.toolCall("read_file", "{\"path\": "));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("read_file");
            assertThat(call.arguments()).isNull();
            assertThat(call.rawArguments()).isEqualTo("{\"path\": ");
            assertThat(call.argumentError()).contains("not valid JSON");
        });
    }

    @Test
    void streamedContentWithToolCallTextIsParsedAsTextConvention() throws Exception {
        server.script(Reply.content("<tool_call>{\"name\":\"read_file\",\"arguments\":{\"path\":\"s.txt\"}}</tool_call>"));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.textConvention()).isTrue();
        assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("text_0_0");
            assertThat(call.arguments().path("path").asText()).isEqualTo("s.txt");
        });
        assertThat(reply.assistantMessage().has("tool_calls")).isFalse();
    }

    @Test
    void garbageChunkIsAMalformedReplyAndNotRetried() {
        server.script(Reply.events(chunk("{\"content\":\"fine so far\"}", null), "<html>502 Bad Gateway</html>", "[DONE]"));

        MalformedReplyException e = catchThrowableOfType(MalformedReplyException.class,
                () -> client.chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("not valid JSON").contains("<html>502 Bad Gateway</html>");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void errorChunkMidStreamIsARequestError() {
        server.script(Reply.events(chunk("{\"content\":\"par\"}", null),
                "{\"error\":{\"message\":\"context length exceeded\"}}"));

        ModelRequestException e = catchThrowableOfType(ModelRequestException.class,
                () -> client.chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.getMessage()).contains("mid-stream").contains("context length exceeded");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void commentsEventNamesAndCompactDataLinesAreTolerated() throws Exception {
        String sse = ": keep-alive\n\n"
                + "event: message\n"
                + "data:" + chunk("{\"content\":\"compact\"}", null) + "\n\n"
                + "data: " + chunk("{}", "stop") + "\n\n"
                + "data: [DONE]\n\n";

        ModelReply reply = StreamedReply.read(new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8)), false);

        assertThat(reply.content()).isEqualTo("compact");
    }

    @Test
    void streamWithNoContentDeltasHasNullContent() throws Exception {
        server.script(Reply.events(chunk("{\"role\":\"assistant\"}", null), chunk("{}", "stop"), "[DONE]"));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.content()).isNull();
        assertThat(reply.toolCalls()).isEmpty();
        assertThat(reply.assistantMessage().path("content").isNull()).isTrue();
    }

    @Test
    void withoutNativeToolsAStreamedAnswerIsMarkedAsTextConvention() throws Exception {
        server.script(Reply.text("final answer"));

        ModelReply reply = client.chat(MODEL, messages(), null);

        assertThat(reply.textConvention()).isTrue();
        assertThat(reply.content()).isEqualTo("final answer");
    }
}
