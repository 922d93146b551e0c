package io.devagent.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP port: {@code GET /healthz} (liveness), {@code GET /readyz} (readiness) and
 * {@code GET /metrics} (Prometheus text: JOSDK's reconciliation meters and the JVM's).
 * <p>
 * A standby replica (leader election) is live and ready: it waits for the lease. The leader is
 * live while its informers are healthy, and ready once it has started.
 * <p>
 * The JDK's own HTTP server: JOSDK gives the health facts ({@code RuntimeInfo}) but serves nothing,
 * fabric8 has a server only in its test mock, and Vert.x would put back on the operator's class path
 * what the policy-model module took off it.
 */
final class HttpEndpoints implements AutoCloseable {

    private final HttpServer server;

    private HttpEndpoints(HttpServer server) {
        this.server = server;
    }

    static HttpEndpoints start(int port, Operator operator, PrometheusMeterRegistry registry, BooleanSupplier leading) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "operator-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/healthz", exchange -> {
            if (!leading.getAsBoolean()) {
                respond(exchange, 200, "ok: standby, waiting for the lease\n");
            } else if (operator.getRuntimeInfo().isStarted() && !operator.getRuntimeInfo().allEventSourcesAreHealthy()) {
                respond(exchange, 503, "unhealthy event sources: " + operator.getRuntimeInfo().unhealthyEventSources().keySet() + "\n");
            } else {
                respond(exchange, 200, "ok\n");
            }
        });
        server.createContext("/readyz", exchange -> {
            if (!leading.getAsBoolean()) {
                respond(exchange, 200, "ok: standby, waiting for the lease\n");
            } else if (!operator.getRuntimeInfo().isStarted()) {
                respond(exchange, 503, "starting\n");
            } else if (!operator.getRuntimeInfo().allEventSourcesAreHealthy()) {
                respond(exchange, 503, "unhealthy event sources: " + operator.getRuntimeInfo().unhealthyEventSources().keySet() + "\n");
            } else {
                respond(exchange, 200, "ok\n");
            }
        });
        server.createContext("/metrics", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            respond(exchange, 200, registry.scrape());
        });
        server.start();
        return new HttpEndpoints(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            }
            exchange.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
