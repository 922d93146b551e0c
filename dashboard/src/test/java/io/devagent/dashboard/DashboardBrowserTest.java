package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.run.RunResult;
import io.devagent.testkit.Prerequisite;
import io.devagent.view.StateView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web page in real headless Chromium, over a state directory made by real runs (the scripted model
 * server over HTTP): one that succeeded after editing a file, one that failed at the step limit (long
 * enough that its older events are loaded on demand), one paused, one whose shell calls the policy
 * refused, and one that goes on while the page is open. The test drives what a person would: sign in,
 * search and filter the runs, read the reason of each, open a run as a trace, expand steps, unfold a
 * long output, filter and search the events (kept in the URL), load older events, look at the change,
 * follow the live run, go to an unknown run, use the keyboard, and look at it all at 360 px. axe-core
 * checks each view for serious or critical accessibility violations. Screenshots go to
 * {@code target/dashboard-*.png}.
 *
 * <p>Without Chromium, chromedriver or axe-core the test is skipped on a developer's machine and fails
 * on CI ({@code CI=true}), where {@code .ci/run} installs them.
 */
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "browser-" + UUID.randomUUID();
    private static final Path SHOTS = Path.of("target");

    @TempDir
    Path root;
    RealRuns runs;
    RealRuns.Live live;
    Dashboard dashboard;
    Chromium browser;
    int limitSteps;

    @BeforeEach
    void setUp() throws Exception {
        boolean present = Chromium.binary().isPresent() && Chromium.driverBinary().isPresent() && Axe.script().isPresent();
        Prerequisite.require("Chromium (" + Chromium.BINARIES + "), chromedriver (" + Chromium.DRIVERS + ") and axe-core",
                present ? Optional.empty() : Optional.of("apt-get install chromium chromium-driver; " + Axe.INSTALL));
        runs = new RealRuns(root);
        runs.finished("run-alpha", "Summarize the repository for a new contributor");
        runs.editing("run-edit", "Add a CONTRIBUTING file");
        // Long enough that the page's first page of events (400) does not hold it all.
        limitSteps = 80;
        RunResult limited = runs.stepLimit("run-limit", "Keep listing until told to stop", limitSteps);
        assertThat(limited.status()).isEqualTo("failed");
        RunResult refused = runs.refused("run-refused", "Clean the build directory");
        assertThat(refused.status()).isEqualTo("succeeded");
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
        writeWaitingAndInterruptedRuns();
        StateView view = runs.view();
        RealRuns.Live toPause = runs.live("run-paused", "Wait for a person", 400);
        io.devagent.testkit.Await.until("the run to pause's first checkpoint", view.state().checkpoints(), WAIT,
                () -> view.run("run-paused").filter(s -> s.currentStep() >= 1).isPresent());
        assertThat(toPause.stop().status()).isEqualTo("paused");
        live = runs.live("live-run", "Keep listing the files until stopped", 400);
        io.devagent.testkit.Await.until("the live run's first checkpoint", view.state().checkpoints(), WAIT,
                () -> view.run("live-run").isPresent());
        dashboard = Dashboard.start(view, DashboardOptions.defaults().withPort(0).withToken(Optional.of(TOKEN)));
    }

    /**
     * Two runs in states that the approval and self-healing work brings about, written by the snapshot
     * and audit writers: one waiting for a person's answer on a write, one running whose process died
     * after its history was compacted.
     */
    private void writeWaitingAndInterruptedRuns() throws Exception {
        String earlier = Instant.now().minusSeconds(120).toString();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        ObjectNode usage = Json.object().put("prompt", 300).put("completion", 40).put("total", 340);
        runs.written(new Snapshot("run-interrupted", "Refactor the parser", "running", 2, earlier, earlier, "scripted-model",
                runs.workspace.toString(), new io.devagent.model.Tokens(600, 80, 680), null, null, null, "read_file", 2048, gone.pid()), List.of(
                Map.entry("run_started", Json.object().put("goal", "Refactor the parser").put("model", "scripted-model")),
                Map.entry("model_request", Json.object().put("step", 1).put("messages", 2)),
                Map.entry("model_response", response(1, "c1", "read_file", usage)),
                Map.entry("tool_call", Json.object().put("step", 1).put("id", "c1").put("name", "read_file").put("arguments", "{\"path\":\"README.md\"}")),
                Map.entry("tool_result", Json.object().put("step", 1).put("id", "c1").put("name", "read_file").put("ok", true)
                        .put("duration_ms", 0.4).put("output_bytes", 40).put("output", "# Demo")),
                Map.entry("checkpoint", Json.object().put("step", 1).put("tokens", 340)),
                Map.entry("compaction", Json.object().put("step", 2).put("messages_before", 40).put("messages_after", 6)),
                Map.entry("model_request", Json.object().put("step", 2).put("messages", 6))));
        ObjectNode call = Json.object().put("step", 1).put("id", "w1").put("name", "write_file")
                .put("arguments", "{\"path\":\"src/app.py\",\"content\":\"print('hi')\\n\"}");
        runs.written(new Snapshot("run-waiting", "Fix the greeting", "awaiting_approval", 0, earlier, earlier, "scripted-model",
                runs.workspace.toString(), new io.devagent.model.Tokens(300, 40, 340), null, null, null, "write_file", 1024, null), List.of(
                Map.entry("run_started", Json.object().put("goal", "Fix the greeting").put("model", "scripted-model")),
                Map.entry("model_request", Json.object().put("step", 1).put("messages", 2)),
                Map.entry("model_response", response(1, "w1", "write_file", usage)),
                Map.entry("tool_call", call.deepCopy()),
                Map.entry("approval_requested", call.deepCopy())));
    }

    /** A model_response event as the run loop writes it: one tool call asked for. */
    private static ObjectNode response(int step, String callId, String tool, ObjectNode usage) {
        ObjectNode event = Json.object().put("step", step).put("latency_ms", 20);
        event.putArray("tool_calls").addObject().put("id", callId).put("name", tool);
        event.set("usage", usage.deepCopy());
        return event;
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

    private void signIn() throws Exception {
        browser.open(dashboard.url());
        browser.waitFor("the sign-in dialog", WAIT, "return document.querySelector('#login').open;");
        browser.type("#token-input", TOKEN, WAIT);
        browser.click("#login-submit", WAIT);
        browser.waitFor("the runs table", WAIT, "return document.querySelectorAll('#runs tbody tr[data-run]').length === 8;");
    }

    private void go(String hash) throws Exception {
        browser.script("location.hash = arguments[0];", hash);
    }

    private void openRun(String runId) throws Exception {
        go("#/runs/" + runId);
        browser.waitFor("the run view of " + runId, WAIT, "return document.querySelector('#run-title').textContent === '" + runId + "'"
                + " && document.querySelectorAll('#trace li.step').length > 0;");
    }

    private String text(String css) throws Exception {
        return browser.script("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css).asText();
    }

    private void noSeriousViolations(String where) throws Exception {
        assertThat(Axe.seriousViolations(browser)).as("axe-core on " + where).isEmpty();
    }

    @Test
    void runsAsTracesWithReasonsChangesFiltersHistoryAndTheLiveRun() throws Exception {
        browser = Chromium.start(Files.createDirectories(root.resolve("browser-home")), 1440, 1000);
        signIn();

        // ---- The runs table: newest first, each with its reason at a glance.
        JsonNode ids = browser.script("return [...document.querySelectorAll('#runs tbody tr[data-run]')].map(r => r.dataset.run);");
        assertThat(ids.get(0).asText()).isEqualTo("live-run");
        assertThat(browser.text("#runs tbody tr[data-run='live-run'] .badge")).isEqualTo("running");
        assertThat(browser.text("#runs tbody tr[data-run='run-limit'] .badge")).isEqualTo("failed");
        assertThat(browser.text("#runs tbody tr[data-run='run-limit'] .reason-cell")).contains("step limit");
        assertThat(browser.text("#runs tbody tr[data-run='run-paused'] .badge")).isEqualTo("paused");
        assertThat(browser.text("#runs tbody tr[data-run='run-paused'] .reason-cell")).contains("the test is done with it");
        assertThat(browser.text("#runs tbody tr[data-run='run-alpha'] .reason-cell")).isEmpty();
        assertThat(browser.text("#runs tbody tr[data-run='run-interrupted'] .badge")).isEqualTo("interrupted");
        assertThat(browser.text("#runs tbody tr[data-run='run-interrupted'] .reason-cell")).contains("Interrupted");
        assertThat(browser.text("#runs tbody tr[data-run='run-waiting'] .badge")).isEqualTo("awaiting_approval");
        assertThat(browser.text("#runs tbody tr[data-run='run-waiting'] .reason-cell")).contains("Awaiting approval");
        // A run that succeeded after three refusals is not a plain "succeeded": its denials show once its log is folded.
        assertThat(browser.text("#runs tbody tr[data-run='run-refused'] .badge")).isEqualTo("succeeded");
        browser.waitFor("the refused run's denial count", WAIT,
                "return document.querySelector(\"#runs tr[data-run='run-refused'] .reason-denied\") !== null;");
        assertThat(browser.text("#runs tbody tr[data-run='run-refused'] .reason-cell")).contains("3 calls denied");
        browser.waitFor("the MCP table", WAIT, "return document.querySelector('#mcp table') !== null;");
        assertThat(browser.text("#mcp")).contains("everything").contains("[REDACTED]").doesNotContain("sk-browser-SECRET-1");
        browser.waitFor("the tool latency chart", WAIT, "return document.querySelectorAll('#latency-chart svg rect').length >= 2;");
        browser.screenshot(SHOTS.resolve("dashboard-overview.png"));
        noSeriousViolations("the overview");

        // ---- Search over goals, and the status filter, both kept in the URL.
        browser.type("#run-search", "contributor", WAIT);
        browser.waitFor("the search result", WAIT, "return document.querySelectorAll('#runs tbody tr[data-run]').length === 1;");
        assertThat(browser.text("#runs tbody")).contains("run-alpha");
        assertThat(browser.script("return location.hash;").asText()).contains("q=contributor");
        browser.open(dashboard.url() + "#/?status=failed");
        browser.waitFor("the status filter from the URL", WAIT, "return document.querySelectorAll('#runs tbody tr[data-run]').length === 1"
                + " && document.querySelector('#runs tbody tr[data-run]').dataset.run === 'run-limit';");
        assertThat(browser.script("return document.querySelector('#status-filter').value;").asText()).isEqualTo("failed");
        assertThat(browser.script("return document.querySelector('#run-search').value;").asText()).isEmpty();

        // ---- A refused run: the reason at the top, the denials on the steps where they happened.
        openRun("run-refused");
        browser.waitFor("the reason", WAIT, "return document.querySelector('#run-reason').textContent.includes('3 calls refused by policy');");
        assertThat(text("#run-reason")).contains("last: run_shell");
        assertThat(browser.script("return document.querySelectorAll('#trace .chip-denied').length;").asInt()).isEqualTo(3);
        assertThat(text("#trace")).contains("1 denied").contains("Started").contains("Finished");
        assertThat(text("#live")).contains("finished").doesNotContain("● live");
        browser.screenshot(SHOTS.resolve("dashboard-run-refused.png"));

        // ---- A run that edited: one row per step, expandable into readable detail.
        openRun("run-edit");
        JsonNode steps = browser.script("return [...document.querySelectorAll('#trace li.step-step')].map(li => li.dataset.step);");
        assertThat(steps.toString()).isEqualTo("[\"1\",\"2\",\"3\"]");
        assertThat(text("#trace li.step-step[data-step='1'] .step-head")).contains("Step 1").contains("write_file ✓").contains("saved")
                .contains("tok");
        browser.click("#trace li.step-step[data-step='1'] .step-head", WAIT);
        browser.waitFor("step 1 open", WAIT, "return document.querySelector(\"#trace li.step-step[data-step='1'] .step-body\") !== null;");
        // The arguments as fields, the file's text with its newlines, not a JSON string.
        assertThat(text("#trace li.step-step[data-step='1'] .args")).contains("path").contains("CONTRIBUTING.md");
        assertThat(text("#trace li.step-step[data-step='1'] .args")).contains("1. Fork.\n2. Test.");
        browser.click("#trace li.step-step[data-step='2'] .step-head", WAIT);
        browser.waitFor("step 2 open", WAIT, "return document.querySelector(\"#trace li.step-step[data-step='2'] .fold\") !== null;");
        // The long output is folded: its start shows, the rest behind a button.
        assertThat(text("#trace li.step-step[data-step='2'] pre.out")).contains("line 1 of").doesNotContain("line 60 of");
        browser.click("#trace li.step-step[data-step='2'] .fold", WAIT);
        assertThat(text("#trace li.step-step[data-step='2'] pre.out")).contains("line 60 of");
        browser.click("#trace li.step-step[data-step='3'] .step-head", WAIT);
        browser.waitFor("step 3 open", WAIT, "return document.querySelector(\"#trace li.step-step[data-step='3'] .model-text\") !== null;");
        assertThat(text("#trace li.step-step[data-step='3'] .model-text")).isEqualTo(
                "I added CONTRIBUTING.md.\nIt has three steps:\n- fork\n- test\n- send a change");
        // The change: without a recorded snapshot the panel says so, once (the run, then one step).
        // The change (GET /runs/<id>/diff): the file it added, rendered; then one step's change, and a step that changed nothing.
        browser.waitFor("the change panel", WAIT, "return document.querySelector('#diff .empty-state, #diff .diff-summary, #diff .error') !== null;");
        assertThat(text("#diff .diff-summary")).isEqualTo("1 file changed, +5 −0");
        assertThat(text("#diff .diff-file summary")).contains("added").contains("CONTRIBUTING.md");
        assertThat(browser.script("return [...document.querySelectorAll('#diff .d-add')].map(l => l.textContent).join('');").asText())
                .contains("+# Contributing\n").contains("+3. Send a change.\n");
        browser.click("#trace li.step-step[data-step='2'] .step-diff", WAIT);
        browser.waitFor("the change of step 2", WAIT, "return document.querySelector('#diff-step').value === '2'"
                + " && !document.querySelector('#diff').textContent.startsWith('Loading');");
        assertThat(text("#diff")).isEqualTo("Step 2 changed no file.");
        browser.click("#trace li.step-step[data-step='1'] .step-diff", WAIT);
        browser.waitFor("the change of step 1", WAIT, "return document.querySelector('#diff-step').value === '1'"
                + " && document.querySelector('#diff .diff-summary') !== null;");
        assertThat(browser.script("return location.hash;").asText()).contains("diff=1");
        assertThat(text("#diff")).contains("CONTRIBUTING.md");
        browser.screenshot(SHOTS.resolve("dashboard-run-detail.png"));
        noSeriousViolations("a run with its steps open");

        // ---- Filters by event type and a search over the events, in the URL: a reload keeps them.
        browser.open(dashboard.url() + "#/runs/run-edit?types=tool_result&q=line+60");
        browser.waitFor("the filtered trace", WAIT, "return document.querySelector('#run-title').textContent === 'run-edit'"
                + " && document.querySelector('#event-count').textContent.includes('match');");
        assertThat(browser.script("return document.querySelectorAll('#trace li.step').length;").asInt()).isEqualTo(1);
        assertThat(browser.script("return document.querySelectorAll('#trace .ev').length;").asInt()).isEqualTo(1);
        assertThat(text("#trace .ev")).contains("tool_result").contains("read_file");
        assertThat(browser.script("return document.querySelector('#type-tool_result').checked;").asBoolean()).isTrue();
        assertThat(browser.script("return document.querySelector('#event-search').value;").asText()).isEqualTo("line 60");
        browser.screenshot(SHOTS.resolve("dashboard-run-filtered.png"));
        browser.click("#type-tool_call", WAIT);
        browser.waitFor("the type filter in the URL", WAIT, "return location.hash.includes('types=tool_call%2Ctool_result')"
                + " || location.hash.includes('types=tool_call,tool_result') || location.hash.includes('types=tool_result%2Ctool_call');");

        // ---- A long run: the latest events first, older ones on demand; charts over the whole run.
        openRun("run-limit");
        assertThat(text("#run-reason")).contains("Failed: stopped: the step limit");
        browser.waitFor("the whole-run charts", WAIT, "return document.querySelector('#tokens-scope').textContent.includes('"
                + limitSteps + " steps');");
        assertThat(browser.script("return document.querySelectorAll('#tokens-chart svg rect.bar-prompt').length;").asInt())
                .isEqualTo(limitSteps);
        assertThat(browser.script("return document.querySelector('#load-older').hidden;").asBoolean()).isFalse();
        assertThat(text("#trace li.step")).doesNotContain("Started");
        long total = auditLines("run-limit");
        assertThat(browser.script("return devagent.run.events.length;").asLong()).isLessThan(total);
        browser.click("#load-older", WAIT);
        browser.waitFor("the whole history", WAIT, "return devagent.run.events.length === " + total + ";");
        assertThat(text("#trace li.step")).contains("Started");
        assertThat(text("#older-note")).contains("whole history");
        assertThat(browser.script("return document.querySelector('#load-older').hidden;").asBoolean()).isTrue();
        JsonNode seqs = browser.script("return devagent.run.events.map(e => e.seq);");
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i).asLong()).as("events in order, none twice").isEqualTo(seqs.get(i - 1).asLong() + 1);
        }
        assertThat(browser.script("return [...document.querySelectorAll('#trace li.step')].pop().textContent;").asText())
                .contains("Finished").contains("failed after " + limitSteps + " steps");

        // ---- A run whose process died: marked interrupted, not live, its compaction on the step where it happened;
        // it has no workspace snapshot, and the change panel says so.
        openRun("run-interrupted");
        assertThat(text("#run-status")).isEqualTo("interrupted");
        assertThat(text("#live")).isEqualTo("○ not live: its process is gone");
        assertThat(text("#run-reason")).contains("Interrupted: the process that ran it (pid");
        assertThat(text("#trace li.step-step[data-step='2'] .step-head")).contains("compacted");
        browser.waitFor("the change panel", WAIT, "return document.querySelector('#diff .empty-state') !== null;");
        assertThat(text("#diff")).isEqualTo("No change recorded for this run.");
        assertThat(browser.script("return devagent.run.stream === null;").asBoolean()).isTrue();
        browser.screenshot(SHOTS.resolve("dashboard-run-interrupted.png"));

        // ---- A run waiting for a person: the reason says what to do, the approval shows on its step.
        openRun("run-waiting");
        assertThat(text("#run-reason")).contains("Awaiting approval").contains("agent approve run-waiting");
        assertThat(text("#trace li.step-step[data-step='1'] .step-head")).contains("write_file …").contains("approval");
        browser.click("#trace li.step-step[data-step='1'] .step-head", WAIT);
        browser.waitFor("the approval in the step", WAIT, "return document.querySelector(\"#trace .ev[data-type='approval_requested']\") !== null;");
        assertThat(text("#trace .ev[data-type='approval_requested']")).contains("Approval asked").contains("write_file")
                .contains("src/app.py");
        browser.screenshot(SHOTS.resolve("dashboard-run-waiting.png"));

        // ---- An unknown run: one clear message, nothing of the run before it.
        go("#/runs/no-such-run");
        browser.waitFor("the unknown run's message", WAIT, "return !document.querySelector('#run-missing').hidden;");
        assertThat(text("#run-missing")).contains("No run with this id").contains("no-such-run");
        assertThat(browser.script("return document.querySelector('#run-body').hidden;").asBoolean()).isTrue();
        assertThat(browser.script("return document.querySelectorAll('#tokens-chart svg, #run-latency-chart svg, #trace li').length;")
                .asInt()).isZero();
        // No second message anywhere else on the page (a "no checkpoint", a "cannot load", an empty chart).
        assertThat(browser.script("return [...document.querySelectorAll('body *')].filter(e => e.children.length === 0"
                + " && e.offsetParent !== null && !e.closest('#run-missing')"
                + " && /no run|no such|no checkpoint|cannot load|no events|no model/i.test(e.textContent)).map(e => e.textContent);"))
                .isEmpty();
        browser.screenshot(SHOTS.resolve("dashboard-unknown-run.png"));

        // ---- The live run: "live" only here, new events arrive over the stream into the trace.
        openRun("live-run");
        browser.waitFor("the live stream to open", WAIT, "return document.querySelector('#live').classList.contains('on');");
        assertThat(text("#live")).isEqualTo("● live");
        long writtenWhenOpen = auditLines("live-run");
        browser.waitFor("events written after the page opened the stream", WAIT,
                "return devagent.run.lastSeq > " + (writtenWhenOpen + 4) + ";");
        browser.waitFor("the new steps in the trace", WAIT, "const last = [...document.querySelectorAll('#trace li.step-step')].pop();"
                + " return last && +last.dataset.seqs.split('-')[1] > " + (writtenWhenOpen + 4) + ";");
        assertThat(text("#trace")).contains("list_files ✓").contains("saved");
        browser.waitFor("the tokens chart", WAIT, "return document.querySelectorAll('#tokens-chart svg rect').length >= 4;");
        browser.waitFor("this run's latency chart", WAIT, "return document.querySelectorAll('#run-latency-chart svg rect').length >= 2;");
        // The stream was opened with a ticket; the token never went into a URL.
        String streamUrl = browser.script("return devagent.run.stream ? devagent.run.stream.url : '';").asText();
        assertThat(streamUrl).contains("/logs/live-run?follow=true").contains("ticket=").doesNotContain(TOKEN);
        JsonNode urls = browser.script("return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
        assertThat(urls.toString()).contains("/logs/live-run/ticket").doesNotContain(TOKEN);
        browser.screenshot(SHOTS.resolve("dashboard-screenshot.png"));
        assertThat(Files.size(SHOTS.resolve("dashboard-screenshot.png"))).isGreaterThan(10_000);

        // ---- Navigation resets: the next run shows its own charts, and is not live.
        openRun("run-alpha");
        browser.waitFor("run-alpha's own charts", WAIT, "return document.querySelector('#tokens-scope').textContent.includes('3 steps');");
        assertThat(browser.script("return document.querySelectorAll('#tokens-chart svg rect.bar-prompt').length;").asInt()).isEqualTo(3);
        assertThat(text("#live")).isEqualTo("○ finished");
        assertThat(browser.script("return devagent.run.stream === null;").asBoolean()).isTrue();

        // ---- The keyboard: Tab reaches the step rows, the focus is visible, Enter opens a row.
        browser.script("document.querySelector('#event-search').focus();");
        String focused = "";
        for (int i = 0; i < 40 && !focused.contains("step-head"); i++) {
            browser.keys("\uE004");
            focused = browser.script("return document.activeElement.className;").asText();
        }
        assertThat(focused).as("Tab reaches a step row").contains("step-head");
        JsonNode outline = browser.script("const s = getComputedStyle(document.activeElement);"
                + " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)};");
        assertThat(outline.path("style").asText()).isNotEqualTo("none");
        assertThat(outline.path("width").asDouble()).isGreaterThanOrEqualTo(2);
        browser.keys("\uE007");
        browser.waitFor("Enter opens the row", WAIT, "return document.activeElement.getAttribute('aria-expanded') === 'true';");
        browser.screenshot(SHOTS.resolve("dashboard-keyboard-focus.png"));

        // Nothing on the page broke its own Content-Security-Policy (no inline styles or scripts, nothing from elsewhere).
        assertThat(browser.script("return devagent.cspViolations;").asInt()).isZero();

        // The reload button shows the outcome: no main runtime here.
        browser.click("#reload", WAIT);
        browser.waitFor("the reload outcome", WAIT, "const t = document.querySelector('#toast'); return !t.hidden && t.textContent;");
        assertThat(browser.text("#toast")).contains("No main runtime");
    }

    @Test
    void atThreeHundredSixtyPixelsNothingOverflowsAndAxeFindsNothingSerious() throws Exception {
        browser = Chromium.start(Files.createDirectories(root.resolve("browser-home")), 360, 800);
        signIn();
        String fits = "return {page: document.documentElement.scrollWidth, view: window.innerWidth,"
                + " reload: document.querySelector('#reload').getBoundingClientRect().right,"
                + " wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                + "   .slice(0, 6).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))};";
        JsonNode width = browser.script(fits);
        assertThat(width.path("page").asInt()).as("the page's width at 360 px: " + width.path("wide")).isLessThanOrEqualTo(width.path("view").asInt());
        assertThat(width.path("reload").asDouble()).as("the reload button is not cut off").isLessThanOrEqualTo(width.path("view").asDouble());
        browser.waitFor("the refused run's denial count", WAIT,
                "return document.querySelector(\"#runs tr[data-run='run-refused'] .reason-denied\") !== null;");
        browser.screenshot(SHOTS.resolve("dashboard-overview-360.png"));
        noSeriousViolations("the overview at 360 px");

        for (String runId : List.of("run-edit", "run-paused", "live-run")) {
            openRun(runId);
            browser.script("document.querySelectorAll('#trace .step-head').forEach((b, i) => { if (i < 3) b.click(); });");
            browser.waitFor("open steps", WAIT, "return document.querySelectorAll('#trace .step-body').length > 0;");
            width = browser.script(fits);
            assertThat(width.path("page").asInt()).as(runId + "'s page at 360 px: " + width.path("wide")).isLessThanOrEqualTo(width.path("view").asInt());
            noSeriousViolations(runId + " at 360 px");
        }
        assertThat(text("#run-reason")).isEmpty();
        openRun("run-paused");
        assertThat(text("#run-reason")).contains("Paused: the test is done with it");
        assertThat(text("#live")).isEqualTo("○ paused");
        browser.screenshot(SHOTS.resolve("dashboard-run-paused-360.png"));
        openRun("run-edit");
        browser.click("#trace li.step-step[data-step='2'] .step-head", WAIT);
        browser.screenshot(SHOTS.resolve("dashboard-run-360.png"));
        assertThat(browser.script("return devagent.cspViolations;").asInt()).isZero();
    }
}
