package io.devagent.dashboard;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.devagent.dashboard.Sse.await;

/**
 * What the dashboard suites that serve real runs test by test share: the runs, which a suite's own
 * {@code @BeforeEach} makes before it calls {@link #serve}, the dashboard serving them on a free
 * loopback port, and a web client pointed at it; all gone after the test.
 */
@ExtendWith(VertxExtension.class)
abstract class ServedRunsTest {

    @TempDir
    Path root;
    RealRuns runs;
    Dashboard dashboard;
    WebClient client;

    @BeforeEach
    void realRuns() throws Exception {
        runs = new RealRuns(root);
    }

    void serve(Vertx vertx, DashboardOptions options) throws Exception {
        dashboard = await(Dashboard.start(vertx, runs.view(), options.withPort(0)));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(dashboard.port()));
    }

    @AfterEach
    void stopServing() {
        if (dashboard != null) {
            dashboard.close();
        }
        runs.close();
    }
}
