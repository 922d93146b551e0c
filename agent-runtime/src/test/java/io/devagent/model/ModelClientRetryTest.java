package io.devagent.model;

import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static io.devagent.model.ModelTestSupport.MODEL;
import static io.devagent.model.ModelTestSupport.chunk;
import static io.devagent.model.ModelTestSupport.closedPort;
import static io.devagent.model.ModelTestSupport.messages;
import static io.devagent.model.ModelTestSupport.settings;
import static io.devagent.model.ModelTestSupport.tools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Retries (429, 5xx, dropped and cut connections, timeouts) and unreachable servers, over real HTTP. */
class ModelClientRetryTest extends ScriptedServerTest {

    private ModelClient client(boolean stream, int maxRetries) {
        return new ModelClient(settings(server.baseUrl(), stream, Optional.empty(), Duration.ofSeconds(5), maxRetries));
    }

    @Test
    void tooManyRequestsWithRetryAfterIsRetriedAfterTheServersDelay() throws Exception {
        server.script(Reply.status(429, "1"), Reply.text("after the wait"));

        long started = System.nanoTime();
        ModelReply reply = client(false, 3).chat(MODEL, messages(), tools());
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(reply.content()).isEqualTo("after the wait");
        assertThat(server.chatRequestCount()).isEqualTo(2);
        // the backoff alone would be about 10 ms: waiting a whole second means Retry-After was honoured
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void tooManyRequestsWithoutRetryAfterIsRetriedWithBackoff() throws Exception {
        server.script(Reply.status(429, null), Reply.status(429, "not-a-date"), Reply.text("ok"));

        assertThat(client(false, 3).chat(MODEL, messages(), tools()).content()).isEqualTo("ok");
        assertThat(server.chatRequestCount()).isEqualTo(3);
    }

    @Test
    void serverErrorThenSuccessIsRetriedWithTheSameRequest() throws Exception {
        server.script(Reply.status(500, null), Reply.text("recovered"));

        ModelReply reply = client(false, 3).chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("recovered");
        assertThat(server.chatRequestCount()).isEqualTo(2);
        assertThat(server.requests().get(1)).isEqualTo(server.requests().get(0));
    }

    @Test
    void persistentUnavailabilityGivesUpAfterMaxRetriesPlusOneAttempts() {
        server.whenExhausted(Reply.status(503, null));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> client(false, 3).chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(server.chatRequestCount()).isEqualTo(4);
        assertThat(e.getMessage())
                .contains(server.baseUrl())
                .contains("after 4 attempts")
                .contains("HTTP 503")
                .contains("scripted status 503")
                .doesNotContain("\n");
    }

    @Test
    void noRetriesMeansExactlyOneAttempt() {
        server.whenExhausted(Reply.status(502, null));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> client(false, 0).chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("after 1 attempt (").contains("HTTP 502");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void droppedConnectionThenSuccessIsRetried() throws Exception {
        server.script(Reply.drop(), Reply.text("second time lucky"));

        ModelReply reply = client(false, 3).chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("second time lucky");
        assertThat(server.chatRequestCount()).isEqualTo(2);
    }

    @Test
    void droppedConnectionsEveryTimeAreUnavailable() {
        server.whenExhausted(Reply.drop());

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> client(false, 2).chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("after 3 attempts").doesNotContain("\n");
        assertThat(server.chatRequestCount()).isEqualTo(3);
    }

    @Test
    void streamCutMidwayIsRetried() throws Exception {
        server.script(
                Reply.cutStream(chunk("{\"role\":\"assistant\"}", null), chunk("{\"content\":\"half an ans\"}", null)),
                Reply.text("the whole answer"));

        ModelReply reply = client(true, 3).chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("the whole answer");
        assertThat(server.chatRequestCount()).isEqualTo(2);
    }

    @Test
    void streamThatEndsWithoutFinishOrDoneIsRetried() throws Exception {
        // the body ends cleanly, but the server never said the reply was finished
        server.script(
                Reply.events(chunk("{\"role\":\"assistant\"}", null), chunk("{\"content\":\"trunc\"}", null)),
                Reply.text("complete"));

        ModelReply reply = client(true, 3).chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("complete");
        assertThat(server.chatRequestCount()).isEqualTo(2);
    }

    @Test
    void streamsCutEveryTimeAreUnavailableAndSayWhy() {
        server.whenExhausted(Reply.events(chunk("{\"content\":\"never ends\"}", null)));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> client(true, 1).chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("after 2 attempts").contains("the stream ended before the reply was complete");
        assertThat(server.chatRequestCount()).isEqualTo(2);
    }

    @Test
    void answerSlowerThanTheTimeoutIsRetried() throws Exception {
        server.script(Reply.delayed(3_000, Reply.text("too late")), Reply.text("in time"));
        ModelClient client = new ModelClient(settings(server.baseUrl(), false, Optional.empty(), Duration.ofMillis(300), 3));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("in time");
        assertThat(server.chatRequestCount()).isEqualTo(2);
    }

    @Test
    void answerThatNeverComesInTimeIsUnavailableWithATimeoutMessage() {
        server.whenExhausted(Reply.delayed(3_000, Reply.text("too late")));
        ModelClient client = new ModelClient(settings(server.baseUrl(), false, Optional.empty(), Duration.ofMillis(200), 0));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> client.chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("timed out waiting for the answer");
    }

    @Test
    void stalledStreamIsCutByTheDeadlineAndRetried() throws Exception {
        // headers and a first delta arrive at once, then nothing: only the read deadline can end this
        server.script(Reply.stalledStream(chunk("{\"role\":\"assistant\"}", null), chunk("{\"content\":\"thinking\"}", null)),
                Reply.text("unstuck"));
        ModelClient client = new ModelClient(settings(server.baseUrl(), true, Optional.empty(), Duration.ofMillis(300), 3));

        ModelReply reply = client.chat(MODEL, messages(), tools());

        assertThat(reply.content()).isEqualTo("unstuck");
        assertThat(server.chatRequestCount()).isEqualTo(2);
    }

    @Test
    void unreachableServerIsUnavailableWithAOneLineMessage() throws Exception {
        String baseUrl = "http://127.0.0.1:" + closedPort() + "/v1";
        ModelClient client = new ModelClient(settings(baseUrl, false, Optional.of("sk-unreachable"), Duration.ofSeconds(2), 2));

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> client.chat(MODEL, messages(), tools()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .isEqualTo("cannot reach the model at " + baseUrl + " after 3 attempts (connection refused)")
                .doesNotContain("sk-unreachable");
    }

    @Test
    void unreachableServerWhenResolvingTheModelIsUnavailableWithAOneLineMessage() throws Exception {
        String baseUrl = "http://127.0.0.1:" + closedPort() + "/v1";
        ModelSettings noModel = new ModelSettings(baseUrl, Optional.empty(), Optional.empty(), false,
                ModelSettings.ToolMode.AUTO, Duration.ofSeconds(2), 2, ModelTestSupport.RETRY_BASE);

        ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class,
                () -> new ModelClient(noModel).resolveModel());

        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .startsWith("cannot reach the model at " + baseUrl + " (connection refused)")
                .contains("LLM_BASE_URL")
                .doesNotContain("\n");
    }

    @Test
    void interruptionDuringTheBackoffStopsRetrying() throws Exception {
        // a long backoff: the only way this returns in time is the interruption
        ModelClient client = new ModelClient(new ModelSettings(server.baseUrl(), Optional.of(MODEL), Optional.empty(), false,
                ModelSettings.ToolMode.AUTO, Duration.ofSeconds(5), 3, Duration.ofSeconds(60)));
        server.whenExhausted(Reply.status(503, null));
        AtomicReference<Thread> caller = new AtomicReference<>();
        CompletableFuture<ModelReply> call = CompletableFuture.supplyAsync(() -> {
            caller.set(Thread.currentThread());
            try {
                return client.chat(MODEL, messages(), tools());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        // The caller is set before the request is sent, so it is known once the request arrives.
        server.awaitChatRequests(1, Duration.ofSeconds(10));
        caller.get().interrupt();

        ExecutionException e = catchThrowableOfType(ExecutionException.class, call::get);

        assertThat(e).isNotNull();
        assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }
}
