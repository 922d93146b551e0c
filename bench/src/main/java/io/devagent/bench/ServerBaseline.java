package io.devagent.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The delayed model server alone, as the reachable ceiling: {@code clients} virtual threads (as the
 * main runtime's runs are) each make {@code rounds} round trips one after the other with a real request of a run, through one shared
 * {@link HttpClient} configured as {@code ModelClient} configures it (the runs of a runtime share
 * one), the reply read to its end and nothing parsed. What it falls short of {@code clients / delay}
 * is what the server, the HTTP client and this machine cost before any agent work.
 */
final class ServerBaseline {

    /** One batch: all clients started at once, timed from the start to the last reply; the clients' CPU is this JVM's. */
    record Batch(int clients, int rounds, long elapsedNanos, ModelServerProcess.Stats server, long clientCpuNanos, double machineBusy) {
        long roundTrips() {
            return (long) clients * rounds;
        }

        double perSecond() {
            return roundTrips() / (elapsedNanos / 1e9);
        }
    }


    private ServerBaseline() {
    }

    static Batch measure(ModelServerProcess server, byte[] body, int clients, int rounds) throws Exception {
        URI uri = URI.create(server.baseUrl() + "/chat/completions");
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Thread::startVirtualThread).build()) {
            CountDownLatch gate = new CountDownLatch(1);
            AtomicReference<Exception> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                threads.add(Thread.ofVirtual().name("baseline-client-" + i).start(() -> {
                    try {
                        gate.await();
                        for (int r = 0; r < rounds; r++) {
                            LoopbackRoundTrip.post(http, uri, body);
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            BatchClock clock = BatchClock.start(server);
            gate.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            BatchClock.Used batch = clock.stop();
            ModelServerProcess.Stats used = batch.server();
            if (failure.get() != null) {
                throw new IllegalStateException("a baseline client failed: " + failure.get(), failure.get());
            }
            if (used.requests() != (long) clients * rounds) {
                throw new IllegalStateException("the server saw " + used.requests() + " requests, not " + (long) clients * rounds);
            }
            return new Batch(clients, rounds, batch.elapsedNanos(), used, batch.cpuNanos(), batch.machineBusy());
        }
    }
}
