package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.policy.PolicyLoader;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** read_file ranges, edit_file, the repeat guard and the servers' odd answers, through real runs. */
@ExtendWith(RunFixtureExtension.class)
class EditingToolsRunTest {

    RunFixture fx;

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        this.fx = fx;
    }

    @Test
    void readFileRangesReachTheModelNumberedWithWhatRemains() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 600; i++) {
            text.append("row ").append(i).append('\n');
        }
        Files.writeString(fx.workspace.resolve("big.txt"), text);
        fx.server.script(
                Reply.toolCall("read_file", "{\"path\":\"big.txt\"}"),
                Reply.toolCall("read_file", "{\"path\":\"big.txt\",\"offset\":599,\"limit\":50}"),
                Reply.toolCall("read_file", "{\"path\":\"big.txt\",\"offset\":700}"),
                Reply.text("read"));

        RunResult result = fx.start("Read big.txt");

        assertThat(result.status()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(toolResult(1)).startsWith("     1\trow 1\n").endsWith("[350 more lines of 600; read on with offset=251]");
        assertThat(toolResult(2)).isEqualTo("   599\trow 599\n   600\trow 600\n[end of file: 600 lines]");
        assertThat(toolResult(3)).isEqualTo("error: offset 700 is past the end of 'big.txt', which has 600 lines");
    }

    @Test
    void editFileReplacesAUniqueMatchAndRefusesAbsentOrAmbiguousOnesChangingNothing() throws Exception {
        Files.writeString(fx.workspace.resolve("App.java"), "class App {\n  int a = 1;\n  int b = 1;\n  int c = 2;\n}\n");
        fx.server.script(
                Reply.toolCall("edit_file", "{\"path\":\"App.java\",\"old_string\":\"int c = 2;\",\"new_string\":\"int c = 3;\"}"),
                Reply.toolCall("edit_file", "{\"path\":\"App.java\",\"old_string\":\"= 1;\",\"new_string\":\"= 5;\"}"),
                Reply.toolCall("edit_file", "{\"path\":\"App.java\",\"old_string\":\"int d\",\"new_string\":\"int e\"}"),
                Reply.toolCall("edit_file", "{\"path\":\"App.java\",\"old_string\":\"= 1;\",\"new_string\":\"= 5;\",\"replace_all\":true}"),
                Reply.text("edited"));

        RunResult result = fx.start("Edit App.java");

        assertThat(result.status()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(toolResult(1)).startsWith("edited App.java: replaced 1 occurrence\n").contains("     4\t  int c = 3;");
        assertThat(toolResult(2)).isEqualTo("error: old_string matches 2 times in 'App.java'; nothing was changed. "
                + "Add surrounding lines to make it unique, or set replace_all to true");
        assertThat(toolResult(3)).startsWith("error: old_string was not found in 'App.java' (0 matches); nothing was changed.");
        assertThat(toolResult(4)).startsWith("edited App.java: replaced 2 occurrences\n");
        assertThat(Files.readString(fx.workspace.resolve("App.java"))).isEqualTo("class App {\n  int a = 5;\n  int b = 5;\n  int c = 3;\n}\n");
        // Side-effecting: each edit that changed the file has its intent and outcome in the journal.
        List<String> types = Files.readAllLines(fx.stateDir.resolve("checkpoints").resolve(result.runId()).resolve("journal.jsonl"))
                .stream().map(l -> l.replaceAll(".*?\"type\":\"([a-z_]+)\".*", "$1")).toList();
        assertThat(types.stream().filter("intent"::equals).count()).isEqualTo(2);
        assertThat(types.stream().filter("outcome"::equals).count()).isEqualTo(2);
    }

    @Test
    void editFileWhereThePolicyForbidsWritingIsAnErrorAndTheRunGoesOn() throws Exception {
        fx.policy = PolicyLoader.parse("files: {writable: false}", "test");
        Files.createDirectories(fx.workspace.resolve("locked"));
        Files.writeString(fx.workspace.resolve("locked/conf.txt"), "x = 1\n");
        fx.server.script(
                Reply.toolCall("edit_file", "{\"path\":\"locked/conf.txt\",\"old_string\":\"x = 1\",\"new_string\":\"x = 2\"}"),
                Reply.text("could not"));

        RunResult result = fx.start("Edit the locked file");

        assertThat(result.status()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(toolResult(1)).startsWith("error: ");
        assertThat(Files.readString(fx.workspace.resolve("locked/conf.txt"))).isEqualTo("x = 1\n");
    }

    @Test
    void theSameCallWithTheSameResultIsPointedOutFromTheThirdTimeAndStopsTheRunAtTheFifth() throws Exception {
        Files.writeString(fx.workspace.resolve("same.txt"), "unchanging\n");
        fx.server.whenExhausted(Reply.toolCall("read_file", "{\"path\":\"same.txt\"}"));

        RunResult result = fx.start("Loop");

        assertThat(result.status()).isEqualTo(Snapshot.FAILED);
        assertThat(result.message()).isEqualTo("stopped: the model repeated the same call (read_file {\"path\":\"same.txt\"}) "
                + "with the same result 5 times");
        assertThat(result.steps()).isEqualTo(5);
        assertThat(toolResult(2)).doesNotContain("[repeat:");
        assertThat(toolResult(3)).contains("[repeat: this is the third time you made this same call and got this same result");
        assertThat(toolResult(4)).contains("fourth time").contains("or the run stops");
    }

    @Test
    void ollamasToolCallParseErrorIsToldToTheModelNotTakenForAnUnreachableServer() throws Exception {
        fx.server.script(Reply.ollamaToolParseError(), Reply.text("answered after all"));

        RunResult result = fx.start("Anything");

        assertThat(result.status()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(result.answer()).isEqualTo("answered after all");
        assertThat(fx.server.chatRequestCount()).as("not retried as a server failure").isEqualTo(2);
        JsonNode note = last(fx.server.requests().get(1).path("messages"));
        assertThat(note.path("content").asText()).startsWith("error: your last reply could not be read (the server could not parse "
                + "the model's tool call");
    }

    @Test
    void aFourHundredThatIsNotAboutToolsDoesNotSwitchToTheTextConvention() throws Exception {
        fx.server.script(Reply.error(400, "{\"error\":{\"message\":\"invalid 'temperature': must be at most 2\"}}"));

        RunResult result = fx.start("Anything");

        assertThat(result.status()).isEqualTo(Snapshot.FAILED);
        assertThat(result.message()).contains("invalid 'temperature'");
        assertThat(fx.server.requests()).hasSize(1);
        assertThat(fx.auditTypes(result.runId())).doesNotContain("tool_mode");
    }

    /** The tool result the model saw in request {@code n} (the newest message). */
    private String toolResult(int n) {
        return last(fx.server.requests().get(n).path("messages")).path("content").asText();
    }

    private static JsonNode last(JsonNode messages) {
        return messages.get(messages.size() - 1);
    }
}
