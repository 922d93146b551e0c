package io.devagent.dashboard;

import io.devagent.config.Environment;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.devagent.state.StateDir;
import io.devagent.testkit.Prerequisite;
import io.devagent.view.StateView;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page's "Waiting for approval" panel in real headless Chromium, over a run that a real agent
 * stopped before a write (the policy's {@code approve}): the call and its diff are shown, and Deny
 * with a reason answers it (no main runtime: the answer is recorded and the run is left paused).
 */
class DashboardApprovalBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "approvals-" + UUID.randomUUID();

    @TempDir
    Path root;
    ScriptedModelServer model;
    Dashboard dashboard;
    Chromium browser;
    StateView view;

    @BeforeEach
    void setUp() throws Exception {
        boolean present = Chromium.binary().isPresent() && Chromium.driverBinary().isPresent();
        Prerequisite.require("Chromium and chromedriver", present ? Optional.empty() : Optional.of("apt-get install chromium chromium-driver"));
        model = ScriptedModelServer.start().selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .script(Reply.toolCall("write_file", "{\"path\":\"hello.txt\",\"content\":\"hello\\n\"}"), Reply.text("Done."));
        Environment env = new Environment(Map.of("LLM_BASE_URL", model.baseUrl(), "LLM_MODEL", "scripted-model"));
        StateDir state = StateDir.resolve(Optional.of(root.resolve("state")), env);
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Policy policy = new Policy(null, null, null, null, null, null, null, List.of("write_file"));
        RunResult waiting = new Agent(new AgentConfig(state, workspace, ModelSettings.from(env), () -> policy, env))
                .start("Write hello", Optional.of("waiting-run"), new RunControl(), RunListener.NONE);
        assertThat(waiting.awaitingApproval()).as(waiting.toString()).isTrue();
        view = new StateView(state);
        dashboard = Dashboard.start(view, DashboardOptions.defaults().withPort(0).withToken(Optional.of(TOKEN)));
        browser = Chromium.start(Files.createDirectories(root.resolve("browser-home")), 1280, 900);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void thePageShowsTheWaitingCallAndDeniesItWithAReason() throws Exception {
        browser.open(dashboard.url());
        browser.waitFor("the sign-in dialog", WAIT, "return document.querySelector('#login').open;");
        browser.type("#token-input", TOKEN, WAIT);
        browser.click("#login-submit", WAIT);

        browser.waitFor("the runs table", WAIT, "return document.querySelectorAll('#runs tbody tr[data-run]').length === 1;");
        browser.waitFor("the waiting run in the approvals panel", WAIT,
                "return document.querySelector(\"#approvals .approval[data-run='waiting-run']\") !== null;");
        assertThat(browser.text("#approvals")).contains("waiting-run").contains("write_file").contains("+++ hello.txt").contains("+hello");
        browser.screenshot(Path.of("target", "dashboard-approvals.png"));

        browser.type("#approvals .approval[data-run='waiting-run'] input.reason", "not in this repository", WAIT);
        browser.click("#approvals .approval[data-run='waiting-run'] button.deny", WAIT);

        browser.waitFor("the panel to empty once answered", WAIT,
                "return document.querySelector(\"#approvals .approval[data-run='waiting-run']\") === null;");
        assertThat(view.run("waiting-run").orElseThrow().status()).isEqualTo("paused");
        assertThat(Files.readString(view.state().auditLog("waiting-run")))
                .contains("\"type\":\"approval_answered\"").contains("not in this repository").contains("\"approved\":false");
    }
}
