package io.devagent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static io.devagent.model.ModelTestSupport.MODEL;
import static io.devagent.model.ModelTestSupport.messages;
import static io.devagent.model.ModelTestSupport.settings;
import static io.devagent.model.ModelTestSupport.tools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Replies that cannot be read, requests the server rejects, and the API key, over real HTTP. */
class ModelClientErrorsTest extends ScriptedServerTest {

    private static final String KEY = "sk-test-4f9c2e71-secret";

    private ModelClient keyedClient(int maxRetries) {
        return new ModelClient(settings(server.baseUrl(), false, Optional.of(KEY), Duration.ofSeconds(5), maxRetries));
    }

    /** An error status whose body echoes the key back, as some proxies do. */
    private static Reply statusEchoingTheKey(int status) {
        return (HttpExchange exchange, JsonNode request) -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = ("{\"error\":{\"message\":\"rejected, header was " + auth + "\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        };
    }

    @Test
    void garbageBodyWithStatus200IsAMalformedReplyAndNotRetried() {
        server.script(Reply.raw("application/json", "<html><body>Internal proxy page</body></html>"));

        MalformedReplyException e = catchThrowableOfType(MalformedReplyException.class,
                () -> client().chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("not valid JSON").contains("Internal proxy page");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void jsonThatIsNotAnObjectIsAMalformedReply() {
        server.script(Reply.raw("application/json", "[1, 2, 3]"));

        MalformedReplyException e = catchThrowableOfType(MalformedReplyException.class,
                () -> client().chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("not a JSON object");
    }

    @Test
    void completionWithoutChoicesIsAMalformedReply() {
        server.script(Reply.raw("application/json", "{\"id\":\"x\",\"choices\":[]}"));

        MalformedReplyException e = catchThrowableOfType(MalformedReplyException.class,
                () -> client().chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("choices[0].message");
    }

    @Test
    void emptyBodyWithStatus200IsAMalformedReply() {
        server.script(Reply.raw("application/json", ""));

        MalformedReplyException e = catchThrowableOfType(MalformedReplyException.class,
                () -> client().chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
    }

    @Test
    void malformedReplyExcerptsAreShortAndOnOneLine() {
        server.script(Reply.raw("text/plain", "not json\n".repeat(100)));

        MalformedReplyException e = catchThrowableOfType(MalformedReplyException.class,
                () -> client().chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(300);
    }

    @Test
    void badRequestIsARequestErrorWithItsStatusAndNotRetried() {
        server.script(Reply.status(400, null));

        ModelRequestException e = catchThrowableOfType(ModelRequestException.class,
                () -> client().chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("HTTP 400").contains("scripted status 400");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void otherClientErrorsAreRequestErrorsWithTheirStatus() {
        server.script(Reply.status(422, null));

        ModelRequestException e = catchThrowableOfType(ModelRequestException.class,
                () -> client().chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(422);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void refusedKeyIsUnavailableMentioningLlmApiKeyAndNotRetried(int status) {
        server.script(Reply.status(status, null));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> keyedClient(3).chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("HTTP " + status).contains("LLM_API_KEY").doesNotContain(KEY).doesNotContain("\n");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void unknownModelIsUnavailableNamingTheModel() {
        server.script(Reply.status(404, null));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> client().chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("'" + MODEL + "'").contains("HTTP 404").contains("LLM_MODEL");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void authorizationHeaderCarriesTheApiKeyOnEveryAttempt() throws Exception {
        server.script(Reply.status(500, null), Reply.text("ok"));

        keyedClient(3).chat(MODEL, messages(), tools());

        assertThat(server.chatRequestHeaders()).hasSize(2)
                .allSatisfy(headers -> assertThat(headers.get("Authorization")).containsExactly("Bearer " + KEY));
    }

    @Test
    void noAuthorizationHeaderWithoutAnApiKey() throws Exception {
        server.script(Reply.text("ok"));

        client().chat(MODEL, messages(), tools());

        assertThat(server.chatRequestHeaders()).singleElement()
                .satisfies(headers -> assertThat(headers).doesNotContainKey("Authorization"));
    }

    @Test
    void keyEchoedInARefusalIsNotInTheMessage() {
        server.script(statusEchoingTheKey(401));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> keyedClient(3).chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotContain(KEY);
    }

    @Test
    void keyEchoedInARejectedRequestIsNotInTheMessage() {
        server.script(statusEchoingTheKey(400));

        ModelRequestException e = catchThrowableOfType(ModelRequestException.class,
                () -> keyedClient(3).chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("rejected, header was").doesNotContain(KEY);
    }

    @Test
    void keyEchoedByAFailingServerIsNotInTheMessage() {
        server.whenExhausted(statusEchoingTheKey(503));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> keyedClient(1).chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("HTTP 503").contains("rejected, header was").doesNotContain(KEY);
    }
}
