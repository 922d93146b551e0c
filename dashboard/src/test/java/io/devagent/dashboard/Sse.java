package io.devagent.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server-sent-events client over Vert.x's HTTP client, for the live log stream: it parses the
 * {@code text/event-stream} body as it arrives and hands out events as they come, waiting with a
 * deadline (no sleeps).
 */
final class Sse implements AutoCloseable {

    record Event(String id, String name, String data) {
    }

    final HttpClientResponse response;
    private final HttpClient client;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StringBuilder pending = new StringBuilder();
    final StringBuilder raw = new StringBuilder();

    private Sse(HttpClient client, HttpClientResponse response) {
        this.client = client;
        this.response = response;
    }

    static Sse open(Vertx vertx, int port, String uri, Map<String, String> headers) throws Exception {
        HttpClient client = vertx.createHttpClient();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri);
        headers.forEach(options::putHeader);
        // The body handler is set as the response arrives, on its event loop, so that no early chunk is missed.
        return await(client.request(options).compose(request -> request.send()).map(response -> {
            Sse sse = new Sse(client, response);
            response.handler(buffer -> sse.feed(buffer.toString()));
            return sse;
        }));
    }

    int status() {
        return response.statusCode();
    }

    private synchronized void feed(String text) {
        raw.append(text);
        pending.append(text);
        notifyAll();
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
            String block = pending.substring(0, end);
            pending.delete(0, end + 2);
            String id = null;
            String name = "message";
            StringBuilder data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> name = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> {
                    }
                }
            }
            if (data != null) {
                events.add(new Event(id, name, data.toString()));
            }
        }
    }

    /** The next event, or a failure when none arrives within {@code within}. */
    Event next(Duration within) throws InterruptedException {
        Event event = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("an event within " + within + " (received so far: " + raw() + ")").isNotNull();
        return event;
    }

    /** The next {@code n} events. */
    List<Event> next(int n, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<Event> got = new ArrayList<>();
        while (got.size() < n) {
            long left = Math.max(1, deadline - System.nanoTime());
            Event event = events.poll(left, TimeUnit.NANOSECONDS);
            assertThat(event).as("event " + (got.size() + 1) + " of " + n + " within " + within).isNotNull();
            got.add(event);
        }
        return got;
    }

    /** Events that have arrived and not been taken yet, without waiting. */
    List<Event> drain() {
        List<Event> got = new ArrayList<>();
        events.drainTo(got);
        return got;
    }

    synchronized String raw() {
        return raw.toString();
    }

    @Override
    public void close() throws Exception {
        await(client.close());
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
