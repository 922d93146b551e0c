package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ServerKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Long runs on a small window, with each local server's behaviour played by the scripted server:
 * its window report, and its overflow answer or silent cut. No request may pass the window, every
 * request carries the goal, and the newest tool result is always in the request that follows it.
 */
@ExtendWith(RunFixtureExtension.class)
class ContextWindowRunTest {

    private static final int WINDOW = 8192;
    private static final int FILES = 40;
    private static final String GOAL = "Read the forty notes and say which one mentions the marker";

    RunFixture fx;

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        this.fx = fx;
        for (int i = 1; i <= FILES; i++) {
            StringBuilder text = new StringBuilder("note " + i + " begins\n");
            while (text.length() < 2400) {
                text.append("This line is filler text for note ").append(i).append(", kept to fill the file.\n");
            }
            Files.writeString(fx.workspace.resolve("note-" + i + ".txt"), text);
        }
    }

    private void scriptFortyReads() {
        List<Reply> replies = new ArrayList<>();
        for (int i = 1; i <= FILES; i++) {
            replies.add(Reply.toolCall("read_file", "{\"path\":\"note-" + i + ".txt\"}"));
        }
        replies.add(Reply.text("note 40 was the last"));
        fx.server.script(replies.toArray(Reply[]::new));
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aFortyReadRunStaysInsideAnEightKWindowOnEveryServerKind(ServerKind kind) throws Exception {
        fx.server.playing(kind, WINDOW);
        if (kind == ServerKind.OPENAI) {
            fx.vars.put("LLM_CONTEXT_TOKENS", String.valueOf(WINDOW)); // a hosted API reports nothing: the setting says it
        }
        scriptFortyReads();

        RunResult result = fx.start(GOAL);

        assertThat(result.status()).as(kind + ": " + result.message()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(result.steps()).isEqualTo(FILES + 1);
        assertThat(fx.server.overWindowRequests()).as(kind + ": requests over the window").isZero();
        assertThat(fx.server.promptTokens()).allSatisfy(tokens -> assertThat(tokens).isLessThanOrEqualTo(WINDOW));
        List<JsonNode> requests = fx.server.requests();
        assertThat(requests).hasSize(FILES + 1);
        for (int k = 0; k < requests.size(); k++) {
            JsonNode messages = requests.get(k).path("messages");
            assertThat(messages.get(1).path("content").asText()).as("the goal in request " + k).isEqualTo(GOAL);
            if (k > 0) {
                JsonNode newest = messages.get(messages.size() - 1);
                assertThat(newest.path("role").asText()).isEqualTo("tool");
                assertThat(newest.path("content").asText()).as("the newest result in request " + k).contains("note " + k + " begins");
            }
        }
        List<JsonNode> compactions = events(result.runId(), "compaction");
        assertThat(compactions).as(kind + ": compactions").isNotEmpty();
        assertThat(compactions).allSatisfy(c -> assertThat(c.path("data").path("tokens_after").asLong())
                .isLessThan(c.path("data").path("tokens_before").asLong()));
        assertThat(journal(result.runId(), "budget")).first().satisfies(b -> assertThat(b.path("window").asInt()).isEqualTo(WINDOW));
        assertThat(journal(result.runId(), "compaction")).hasSameSizeAs(compactions);
    }

    @Test
    void aServerThatTellsNothingTeachesTheWindowWithItsFirstOverflowAnswer() throws Exception {
        fx.server.playing(ServerKind.OPENAI, WINDOW);
        scriptFortyReads();

        RunResult result = fx.start(GOAL);

        assertThat(result.status()).as(result.message()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(fx.server.overWindowRequests()).as("only the request that taught the window").isEqualTo(1);
        List<JsonNode> overflows = events(result.runId(), "error").stream()
                .filter(e -> e.path("data").path("kind").asText().equals("context_overflow")).toList();
        assertThat(overflows).hasSize(1);
        assertThat(overflows.get(0).path("data").path("window").asInt()).isEqualTo(WINDOW);
        assertThat(overflows.get(0).path("data").path("window_learned").asBoolean()).isTrue();
        assertThat(journal(result.runId(), "budget")).singleElement()
                .satisfies(b -> assertThat(b.path("source").asText()).contains("overflow answer"));
        assertThat(events(result.runId(), "error")).noneMatch(e -> e.path("data").path("kind").asText().equals("tools_rejected"));
    }

    @Test
    void llamaCppsOverflowAnswerIsLearnedFromWhenItsWindowIsNotReported() throws Exception {
        fx.server.playing(ServerKind.LLAMA_CPP, WINDOW).reportingNoWindow();
        scriptFortyReads();

        RunResult result = fx.start(GOAL);

        assertThat(result.status()).as(result.message()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(fx.server.overWindowRequests()).isEqualTo(1);
        assertThat(fx.server.requests()).noneMatch(r -> !r.has("tools")); // an overflow is not a rejection of the tools
    }

    @Test
    void lmStudiosNKeepAnswerIsAnOverflowToo() throws Exception {
        fx.server.playing(ServerKind.LM_STUDIO, WINDOW).reportingNoWindow().answeringOverflow();
        scriptFortyReads();

        RunResult result = fx.start(GOAL);

        assertThat(result.status()).as(result.message()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(fx.server.overWindowRequests()).isEqualTo(1);
    }

    @Test
    void aWindowUnderFourThousandTokensIsRefusedAtTheStartWithHowToLoadALargerOne() throws Exception {
        fx.server.playing(ServerKind.LLAMA_CPP, 2048);
        scriptFortyReads();

        assertThatThrownBy(() -> fx.start(GOAL)).isInstanceOf(RunException.class)
                .hasMessageContaining("context window is 2048 tokens (llama.cpp n_ctx/total_slots)")
                .hasMessageContaining("llama-server -c 8192").hasMessageNotContaining("\n");
        assertThat(fx.server.chatRequestCount()).isZero();
        assertThat(fx.view().runs()).isEmpty();
    }

    @Test
    void llmContextTokensOverridesTheReportedWindow() throws Exception {
        fx.server.playing(ServerKind.LM_STUDIO, 32768);
        fx.vars.put("LLM_CONTEXT_TOKENS", "abc");
        assertThatThrownBy(() -> fx.start(GOAL)).isInstanceOf(RunException.class)
                .hasMessage("LLM_CONTEXT_TOKENS must be a number of tokens, such as 8192, not 'abc'");

        fx.vars.put("LLM_CONTEXT_TOKENS", "8192");
        scriptFortyReads();
        RunResult result = fx.start(GOAL);

        assertThat(journal(result.runId(), "budget")).first().satisfies(b -> {
            assertThat(b.path("window").asInt()).isEqualTo(8192);
            assertThat(b.path("source").asText()).isEqualTo("LLM_CONTEXT_TOKENS");
        });
        assertThat(fx.server.promptTokens()).allSatisfy(tokens -> assertThat(tokens).isLessThanOrEqualTo(8192));
    }

    @Test
    void betweenCompactionsEachRequestExtendsThePreviousOne() throws Exception {
        RunResult result = fortyReadsOnLlamaCpp();

        List<JsonNode> requests = fx.server.requests();
        int compactions = events(result.runId(), "compaction").size();
        int extended = 0;
        for (int k = 1; k < requests.size(); k++) {
            String before = prompt(requests.get(k - 1));
            if (prompt(requests.get(k)).startsWith(before)) {
                extended++;
            }
        }
        // Every request but those right after a compaction repeats its predecessor byte for byte.
        assertThat(extended).isEqualTo(requests.size() - 1 - compactions);
        assertThat(fx.server.prefixReuse()).isGreaterThan(0.7);
    }

    @Test
    void aCompactionWithPlaceholdersOnlyKeepsThePrefixThroughTheEarlierPlaceholders() throws Exception {
        RunResult result = fortyReadsOnLlamaCpp();

        List<JsonNode> compactions = events(result.runId(), "compaction");
        assertThat(fx.server.summaryRequestCount()).as("summary requests").isPositive().isLessThan(compactions.size());
        List<JsonNode> requests = fx.server.requests();
        int keptPlaceholders = 0;
        for (int k = 1; k < requests.size(); k++) {
            JsonNode before = requests.get(k - 1).path("messages");
            JsonNode after = requests.get(k).path("messages");
            if (!prompt(requests.get(k)).startsWith(prompt(requests.get(k - 1)))
                    && before.get(2).equals(after.get(2)) && after.get(3).path("content").asText().startsWith("[compacted:")) {
                keptPlaceholders++;
            }
        }
        assertThat(keptPlaceholders).as("compactions after which the earlier placeholders were sent again as they were").isPositive();
    }

    @Test
    void aCompactedRunReplaysWithTheSameToolResults() throws Exception {
        fx.server.playing(ServerKind.LLAMA_CPP, WINDOW);
        scriptFortyReads();
        RunResult result = fx.start(GOAL);
        assertThat(events(result.runId(), "compaction")).isNotEmpty();
        fx.server.close(); // the replay needs no model: the replies and the summaries come from the journal

        Path scratch = fx.root.resolve("replay");
        Replayer.copyWorkspace(fx.workspace, scratch);
        AgentConfig config = fx.config();
        Replayer.Report report = Replayer.replay(config, result.runId(), scratch, RunListener.NONE);

        assertThat(report.result().status()).as(report.result().message()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(report.firstDifference()).isEmpty();
        assertThat(report.recordedSteps()).isEqualTo(FILES + 1);
    }

    /** The forty reads on llama.cpp's 8k window, run to their end. */
    private RunResult fortyReadsOnLlamaCpp() throws Exception {
        fx.server.playing(ServerKind.LLAMA_CPP, WINDOW);
        scriptFortyReads();
        RunResult result = fx.start(GOAL);
        assertThat(result.status()).as(result.message()).isEqualTo(Snapshot.SUCCEEDED);
        return result;
    }

    private static String prompt(JsonNode request) {
        String messages = request.path("tools").toString() + request.path("messages").toString();
        return messages.substring(0, messages.length() - 1);
    }

    private List<JsonNode> events(String runId, String type) throws Exception {
        return fx.audit(runId).stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    private List<JsonNode> journal(String runId, String type) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        for (String line : Files.readAllLines(fx.stateDir.resolve("checkpoints").resolve(runId).resolve("journal.jsonl"))) {
            JsonNode entry = Json.parse(line);
            if (entry.path("type").asText().equals(type)) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
