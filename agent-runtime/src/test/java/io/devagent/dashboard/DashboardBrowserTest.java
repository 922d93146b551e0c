package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.state.StateView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The web page in real headless Chromium, over a state directory made by real runs, one of which
 * goes on while the page is open: the page asks for the token, shows the runs table, opens the live
 * run and shows the events it writes after the page opened, arriving over the live stream. Screenshots
 * are kept as build artifacts ({@code target/dashboard-screenshot.png}, {@code target/dashboard-overview.png}).
 *
 * <p>Without Chromium and chromedriver the test is skipped on a developer's machine and fails on CI
 * ({@code CI=true}), where {@code .ci/run} installs them.
 */
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "browser-" + UUID.randomUUID();

    @TempDir
    Path root;
    RealRuns runs;
    RealRuns.Live live;
    Dashboard dashboard;
    Chromium browser;

    @BeforeEach
    void setUp() throws Exception {
        boolean present = Chromium.binary().isPresent() && Chromium.driverBinary().isPresent();
        if (!present) {
            String missing = "Chromium (" + Chromium.BINARIES + ") and chromedriver (" + Chromium.DRIVERS + ") are needed: "
                    + "apt-get install chromium chromium-driver";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        runs = new RealRuns(root);
        runs.finished("run-alpha", "Summarize the repository for a new contributor");
        runs.finished("run-beta", "Count the files in the workspace");
        runs.finished("run-gamma", "Describe what notes.txt is for");
        Files.createDirectories(runs.state.mcpEndpoints().getParent());
        Files.writeString(runs.state.mcpEndpoints(), """
                {"endpoints": [
                  {"name": "everything", "transport": "streamable-http", "url": "http://127.0.0.1:3901/mcp",
                   "auth": {"token": "sk-browser-SECRET-1"},
                   "status": {"state": "up", "checked_at": "2026-11-24T10:00:00Z", "latency_ms": 12, "tools": 13}},
                  {"name": "files", "transport": "stdio", "command": ["node", "server.js", "/workspace"],
                   "status": {"state": "down", "error": "exited with code 1"}}
                ]}
                """);
        live = runs.live("live-run", "Keep listing the files until stopped", 400);
        StateView view = runs.view();
        io.devagent.testkit.Await.until("the live run's first checkpoint", view.state().checkpoints(), WAIT,
                () -> view.run("live-run").isPresent());
        dashboard = Dashboard.start(view, DashboardOptions.defaults().withPort(0).withToken(Optional.of(TOKEN)));
        browser = Chromium.start(Files.createDirectories(root.resolve("browser-home")), 1440, 1000);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (live != null && !live.result().isDone()) {
            live.stop();
        }
        if (runs != null) {
            runs.close();
        }
    }

    private long auditLines(String runId) throws Exception {
        return Files.readAllLines(runs.auditLog(runId)).size();
    }

    @Test
    void thePageShowsRunsAndALiveRunsEventsAsTheyArrive() throws Exception {
        browser.open(dashboard.url());

        // Auth is on: the page asks for the token once.
        browser.waitFor("the sign-in dialog", WAIT, "return document.querySelector('#login').open;");
        browser.type("#token-input", TOKEN, WAIT);
        browser.click("#login-submit", WAIT);

        // The runs table: every run, newest first, the live one running.
        browser.waitFor("the runs table", WAIT, "return document.querySelectorAll('#runs tbody tr[data-run]').length === 4;");
        JsonNode ids = browser.script("return [...document.querySelectorAll('#runs tbody tr[data-run]')].map(r => r.dataset.run);");
        assertThat(ids.get(0).asText()).isEqualTo("live-run");
        assertThat(ids.toString()).contains("run-alpha", "run-beta", "run-gamma");
        assertThat(browser.text("#runs tbody tr[data-run='live-run'] .badge")).isEqualTo("running");
        assertThat(browser.text("#runs tbody tr[data-run='run-beta'] .badge")).isEqualTo("succeeded");
        assertThat(browser.text("#runs tbody tr[data-run='run-beta']")).contains("3").contains("Count the files in the workspace");
        browser.waitFor("the MCP table", WAIT, "return document.querySelector('#mcp table') !== null;");
        assertThat(browser.text("#mcp")).contains("everything").contains("up").contains("files").contains("down")
                .contains("[REDACTED]").doesNotContain("sk-browser-SECRET-1");
        browser.waitFor("the tool latency chart", WAIT, "return document.querySelectorAll('#latency-chart svg rect').length >= 2;");
        assertThat(browser.text("#cards")).contains("RUNNING").contains("SUCCEEDED");
        browser.screenshot(Path.of("target", "dashboard-overview.png"));

        // Open the live run.
        browser.click("#runs tbody tr[data-run='live-run']", WAIT);
        browser.waitFor("the run view", WAIT, "return document.querySelector('#run-title').textContent === 'live-run';");
        browser.waitFor("the first events", WAIT, "return document.querySelectorAll('#events li[data-seq]').length > 0;");
        browser.waitFor("the live stream to open", WAIT, "return document.querySelector('#live').classList.contains('on');");
        long writtenWhenOpen = auditLines("live-run");

        // The run goes on: events it writes from now on must show up, through the stream.
        long shown = browser.waitFor("events written after the page opened the stream", WAIT,
                "const seqs = [...document.querySelectorAll('#events li[data-seq]')].map(li => +li.dataset.seq);"
                        + " const max = Math.max(...seqs); return max > " + (writtenWhenOpen + 4) + " ? max : null;").asLong();
        assertThat(shown).isGreaterThan(writtenWhenOpen + 4);
        JsonNode seqs = browser.script("return [...document.querySelectorAll('#events li[data-seq]')].map(li => +li.dataset.seq);");
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i).asLong()).as("events in order, none twice").isEqualTo(seqs.get(i - 1).asLong() + 1);
        }
        assertThat(browser.text("#events")).contains("tool_call").contains("list_files").contains("checkpoint");
        browser.waitFor("the checkpoint panel", WAIT, "return document.querySelector('#checkpoint').textContent.includes('running');");
        assertThat(browser.text("#checkpoint")).contains("scripted-model").contains("list_files");
        browser.waitFor("the tokens chart", WAIT, "return document.querySelectorAll('#tokens-chart svg rect').length >= 4;");
        browser.waitFor("this run's latency chart", WAIT, "return document.querySelectorAll('#run-latency-chart svg rect').length >= 2;");

        // The stream was opened with a ticket; the token never went into a URL.
        String streamUrl = browser.script("return devagent.run.stream ? devagent.run.stream.url : '';").asText();
        assertThat(streamUrl).contains("/logs/live-run?follow=true").contains("ticket=").doesNotContain(TOKEN);
        JsonNode urls = browser.script("return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
        assertThat(urls.toString()).contains("/logs/live-run/ticket").doesNotContain(TOKEN);

        // Nothing on the page broke its own Content-Security-Policy (no inline styles or scripts, nothing from elsewhere).
        assertThat(browser.script("return devagent.cspViolations;").asInt()).isZero();
        browser.screenshot(Path.of("target", "dashboard-screenshot.png"));
        assertThat(Files.size(Path.of("target", "dashboard-screenshot.png"))).isGreaterThan(10_000);

        // The reload button shows the outcome: no main runtime here.
        browser.click("#reload", WAIT);
        browser.waitFor("the reload outcome", WAIT, "const t = document.querySelector('#toast'); return !t.hidden && t.textContent;");
        assertThat(browser.text("#toast")).contains("No main runtime");
    }
}
