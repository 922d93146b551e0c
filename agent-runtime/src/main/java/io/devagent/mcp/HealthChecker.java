package io.devagent.mcp;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the registry current in the background: on each tick it picks up edits of the endpoints
 * file, starts the checks that are due (a ping for a connected endpoint, a reconnect for one that
 * is not, each on its own virtual thread so that a slow endpoint holds up no other), and writes the
 * statuses that changed to the file.
 */
final class HealthChecker implements AutoCloseable {

    private final McpRegistry registry;
    private final ScheduledExecutorService ticker;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    HealthChecker(McpRegistry registry) {
        this.registry = registry;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mcp-health");
            t.setDaemon(true);
            return t;
        });
    }

    void start(Duration tick) {
        ticker.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            registry.reloadIfChanged();
            long now = System.nanoTime();
            for (EndpointLink link : registry.links()) {
                if (link.due(now)) {
                    checks.execute(() -> {
                        try {
                            link.checkIfIdle();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                            registry.log("MCP endpoint '" + link.endpoint().name() + "': the health check failed unexpectedly: " + e);
                        }
                    });
                }
            }
            registry.flushStatus();
        } catch (RuntimeException e) {
            registry.log("MCP health checks: " + e);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        checks.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
