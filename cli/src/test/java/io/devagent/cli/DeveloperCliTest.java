package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI a developer lives in, through real runs against the scripted model server: the transcript
 * ({@code agent logs}), settings from flags and config files ({@code agent config show}), follow-ups
 * ({@code --continue}), the starter policy, and errors in plain words.
 */
@ExtendWith(CliHarness.class)
class DeveloperCliTest {

    ScriptedModelServer server;
    CliFixture fx;
    final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .script(Reply.toolCall("read_file", "{\"path\":\"README.md\"}"), Reply.text("A demo repository."),
                        Reply.text("Yes: it has one heading."));
        fx.vars.put("LLM_MODEL", "scripted-model");
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\nline two\n");
    }

    @AfterEach
    void tearDown() {
        clients.shutdownNow();
        server.close(); // a test may have put a server of its own in place of the harness's
    }

    @Test
    void logsShowTheTranscriptAsAPersonReadsIt() {
        String runId = runId(fx.agent("run", "Summarize repo"));

        CliFixture.Outcome logs = fx.agent("logs", runId);

        assertThat(logs.exit()).as(logs.err()).isZero();
        assertThat(logs.out()).contains("== run " + runId + " started: \"Summarize repo\"")
                .contains("[step 1] -> read_file {\"path\":\"README.md\"}")
                .contains("<- ok").contains("# Demo").contains("line two")
                .contains("== succeeded after 2 step(s)").contains("answer:\n  A demo repository.")
                .doesNotContain("model_request").doesNotContain("\"hash\"");
        CliFixture.Outcome raw = fx.agent("logs", runId, "--json");
        assertThat(raw.outLines()).allSatisfy(line -> assertThat(Json.parse(line).path("run_id").asText()).isEqualTo(runId));
        CliFixture.Outcome unknown = fx.agent("logs", "no-such-run");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err().lines().count()).isEqualTo(1);
    }

    @Test
    void logsFollowReattachesToARunInTheMainRuntime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.close();
        server = ScriptedModelServer.start().selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS);
        fx.vars.put("LLM_BASE_URL", server.baseUrl());
        server.script(Reply.toolCall("read_file", "{\"path\":\"README.md\"}"), (exchange, request) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Reply.text("Answered after the follower came back.").serve(exchange, request);
        }).whenExhausted(Reply.text("unexpected"));
        fx.startRuntime();
        String runId = runId(fx.agent("run", "Summarize repo", "--detach"));
        server.awaitChatRequests(2, Duration.ofSeconds(60)); // the run waits on its second model reply

        CompletableFuture<CliFixture.Outcome> follower = CompletableFuture.supplyAsync(() -> fx.agent("logs", runId, "--follow"), clients);
        CliFixture.Outcome soFar = fx.agent("logs", runId);
        assertThat(soFar.out()).contains("-> read_file").doesNotContain("answer:"); // the run is live: the follower waits for more
        CliFixture.Outcome status = fx.agent("checkpoints", "show", runId);
        assertThat(status.out()).as(status.err()).contains("running");
        release.countDown();

        CliFixture.Outcome followed = follower.get(60, TimeUnit.SECONDS);
        assertThat(followed.exit()).as(followed.err()).isZero();
        assertThat(followed.out()).contains("-> read_file").contains("answer:\n  Answered after the follower came back.");
    }

    @Test
    void settingsComeFromFlagsTheEnvironmentAndTheConfigFilesInThatOrder() throws Exception {
        Path xdg = Files.createDirectories(fx.root.resolve("xdg/dev-agent"));
        Files.writeString(xdg.resolve("config.yaml"), "model:\n  name: from-user-file\n  timeoutSeconds: 30\n");
        Files.createDirectories(fx.workspace.resolve(".dev-agent"));
        Files.writeString(fx.workspace.resolve(".dev-agent/config.yaml"), "model:\n  name: from-repository\n");
        fx.vars.put("XDG_CONFIG_HOME", fx.root.resolve("xdg").toString());
        fx.vars.remove("LLM_MODEL");
        fx.vars.put("LLM_API_KEY", "sk-very-secret-value");

        CliFixture.Outcome show = fx.agent("config", "show");

        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(line(show.out(), "LLM_MODEL")).contains("from-repository").contains(".dev-agent/config.yaml");
        assertThat(line(show.out(), "LLM_TIMEOUT_SECONDS")).contains("30").contains("xdg/dev-agent/config.yaml");
        assertThat(line(show.out(), "LLM_BASE_URL")).contains(server.baseUrl()).contains("environment");
        assertThat(line(show.out(), "LLM_STREAM")).contains("default");
        assertThat(show.out()).doesNotContain("sk-very-secret-value").contains("********");

        fx.agent("run", "Summarize repo");
        assertThat(server.requests().getFirst().path("model").asText()).isEqualTo("from-repository");
        fx.agent("run", "--model", "from-flag", "Summarize repo");
        assertThat(server.requests().getLast().path("model").asText()).isEqualTo("from-flag");

        Files.writeString(fx.workspace.resolve(".dev-agent/config.yaml"), "model:\n  name: x\n  nmae: y\n");
        CliFixture.Outcome bad = fx.agent("run", "Summarize repo");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err().strip()).isEqualTo("error: " + fx.workspace.resolve(".dev-agent/config.yaml") + ":3: unknown field 'model.nmae'; "
                + "allowed in 'model': baseUrl, name, apiKey, stream, toolMode, timeoutSeconds, maxRetries, contextTokens");
    }

    @Test
    void aFollowUpCarriesOnTheConversationOfAFinishedRun() throws Exception {
        String first = runId(fx.agent("run", "Summarize repo"));

        CliFixture.Outcome followUp = fx.agent("run", "--continue", first, "Does it have a heading?");

        assertThat(followUp.exit()).as(followUp.err()).isZero();
        assertThat(followUp.out()).contains("Yes: it has one heading.");
        String messages = Json.write(server.requests().getLast().path("messages"));
        assertThat(messages).contains("Summarize repo").contains("A demo repository.").contains("Does it have a heading?");
        String second = runId(followUp);
        JsonNode snapshot = Json.parse(Files.readString(fx.state.resolve("checkpoints/" + second + "/snapshot.json")));
        assertThat(snapshot.path("continued_from").asText()).isEqualTo(first);
        assertThat(Files.readString(fx.state.resolve("audit/run-" + second + ".jsonl"))).contains("\"continued_from\":\"" + first + "\"");

        CliFixture.Outcome unknown = fx.agent("run", "--continue", "no-such-run", "more");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err().lines().count()).isEqualTo(1);
    }

    @Test
    void errorsAreOneLineInPlainWords() throws Exception {
        CliFixture.Outcome flag = fx.agent("run", "--frob", "x");
        assertThat(flag.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(flag.err().strip()).isEqualTo("error: Unknown option: '--frob'; see 'agent run --help'");

        Path policy = fx.root.resolve("policy.yaml");
        Files.writeString(policy, "limits:\n  maxSteps: 10\n  maxStep: 5\n");
        CliFixture.Outcome invalid = fx.agent("policies", "validate", policy.toString());
        assertThat(invalid.out() + invalid.err()).contains(policy + ":3: unknown field 'limits.maxStep'; allowed in 'limits': "
                + "maxSteps, maxTokens, maxToolOutputBytes").doesNotContain("class").doesNotContain("io.devagent");

        String runId = runId(fx.agent("run", "Summarize repo"));
        CliFixture.Outcome again = fx.agent("run", "--run-id", runId, "Summarize repo");
        assertThat(again.exit()).isZero();
        assertThat(again.err()).doesNotContain("resumed").contains("had already finished");
    }

    @Test
    void policiesInitWritesAStarterPolicyThatValidatesAndNeverOverwrites() {
        CliFixture.Outcome init = fx.agent("policies", "init");
        assertThat(init.exit()).as(init.err()).isZero();
        Path file = fx.state.resolve("policies/policy.yaml");
        assertThat(file).content().contains("approve: [write_file, edit_file, run_shell]").contains("# ");
        assertThat(fx.agent("policies", "validate", file.toString()).exit()).isZero();

        CliFixture.Outcome again = fx.agent("policies", "init");
        assertThat(again.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("already exists");
    }

    private static String line(String out, String variable) {
        return out.lines().filter(l -> l.startsWith(variable + " ")).findFirst().orElseThrow();
    }

    private static String runId(CliFixture.Outcome run) {
        return run.outLines().getFirst().substring("run_id: ".length());
    }
}
