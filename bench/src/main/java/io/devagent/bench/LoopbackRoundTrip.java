package io.devagent.bench;

import io.devagent.testkit.ScriptedModelServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The model round trip alone: the agent's chat request, replayed byte for byte with the JDK's
 * {@link HttpClient} configured as {@code ModelClient} configures it, and the reply body read to
 * its end. No JSON is built or parsed on the client side. Each measurement has a server of its own,
 * since the server keeps every request it receives.
 */
final class LoopbackRoundTrip implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI uri;

    private LoopbackRoundTrip(String baseUrl) {
        this.uri = URI.create(baseUrl + "/chat/completions");
    }

    /** Times {@code ops} requests with {@code body}, after {@code warmup} untimed ones, on a new server and client; nanoseconds. */
    static long[] measure(byte[] body, int warmup, int ops) throws IOException, InterruptedException {
        try (ScriptedModelServer server = ScriptedRun.answeringServer();
             LoopbackRoundTrip loopback = new LoopbackRoundTrip(server.baseUrl())) {
            return loopback.time(body, warmup, ops);
        }
    }

    /**
     * The model floor of a run: every request it sent, replayed once in order on a new server and
     * client, as one total in nanoseconds. What a run takes beyond this is the runtime's own work.
     */
    static long replay(List<byte[]> requests) throws IOException, InterruptedException {
        try (ScriptedModelServer server = ScriptedRun.answeringServer();
             LoopbackRoundTrip loopback = new LoopbackRoundTrip(server.baseUrl())) {
            long started = System.nanoTime();
            for (byte[] request : requests) {
                loopback.once(request);
            }
            return System.nanoTime() - started;
        }
    }

    private long[] time(byte[] body, int warmup, int ops) throws IOException, InterruptedException {
        long[] samples = new long[ops];
        for (int i = 0; i < warmup + ops; i++) {
            long started = System.nanoTime();
            once(body);
            long took = System.nanoTime() - started;
            if (i >= warmup) {
                samples[i - warmup] = took;
            }
        }
        return samples;
    }

    /** One request, the reply read to its end; returns the reply's size. */
    private long once(byte[] body) throws IOException, InterruptedException {
        return post(http, uri, body);
    }

    /** A chat request as {@code ModelClient} sends it, with {@code http}; the reply read to its end, its size returned. */
    static long post(HttpClient http, URI uri, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("User-Agent", "dev-agent")
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            byte[] reply = in.readAllBytes();
            if (response.statusCode() != 200) {
                throw new IOException("the model server answered HTTP " + response.statusCode());
            }
            return reply.length;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
