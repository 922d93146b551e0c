package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ToolCallSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run process dies as with SIGKILL at every crash point of every step of a run that writes
 * files and runs shell commands; each time, resume finishes the run, no side effect happens twice,
 * at most the model turn in flight is asked again, and the audit chain verifies.
 */
class CrashResumeTest {

    /** Crash points and how many times an uninterrupted run of the script reaches each. */
    private static final List<Object[]> POINTS = List.of(
            new Object[] {"after_model_reply", 5},
            new Object[] {"after_reply_journaled", 5},
            new Object[] {"after_intent", 4},
            new Object[] {"after_tool_executed", 4},
            new Object[] {"after_outcome", 4},
            new Object[] {"torn_step", 5},
            new Object[] {"after_step_commit", 5},
            new Object[] {"after_snapshot", 5});

    /** Shell commands in script order: an intent on these cannot be verified, only reported. */
    private static final List<String> LINES = List.of("one", "two", "three");

    @TempDir
    Path root;

    @Test
    void everyCrashPointResumesToTheSameWorkspaceWithNoEffectTwice() throws Exception {
        List<String> tried = new ArrayList<>();
        for (Object[] point : POINTS) {
            for (int n = 1; n <= (int) point[1]; n++) {
                crashAndResume((String) point[0], n);
                tried.add(point[0] + "@" + n);
            }
        }
        assertThat(tried).hasSize(37);
    }

    private void crashAndResume(String point, int n) throws Exception {
        String label = point + "@" + n;
        try (ScriptedModelServer server = ScriptedModelServer.start()) {
            server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(
                    Reply.toolCall("run_shell", "{\"command\":\"echo one >> count.txt\"}"),
                    Reply.toolCall("write_file", "{\"path\":\"notes.md\",\"content\":\"counted\\n\"}"),
                    Reply.toolCalls(new ToolCallSpec("read_file", "{\"path\":\"notes.md\"}"),
                            new ToolCallSpec("run_shell", "{\"command\":\"echo two >> count.txt\"}")),
                    Reply.toolCall("run_shell", "{\"command\":\"echo three >> count.txt\"}"),
                    Reply.text("done"));
            CliFixture fx = new CliFixture(Files.createDirectories(root.resolve(label.replace('@', '-'))), server);
            fx.vars.put("LLM_MODEL", "scripted-model");

            fx.crashAt(label, "run", "Count to three", "--run-id", "crash");
            CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "crash", "--json");

            assertThat(resumed.exit()).as(label + ": " + resumed.err()).isZero();
            JsonNode result = Json.parse(resumed.out());
            assertThat(result.path("status").asText()).as(label).isEqualTo("succeeded");
            assertThat(result.path("answer").asText()).as(label).isEqualTo("done");
            assertThat(result.path("steps").asInt()).as(label).isEqualTo(5);
            assertThat(Files.readString(fx.workspace.resolve("notes.md"))).as(label).isEqualTo("counted\n");

            List<String> count = Files.readAllLines(fx.workspace.resolve("count.txt"));
            if (point.equals("after_intent") && n != 2) {
                // Killed between a shell command's intent and its start: the effect is unknown, so it is
                // reported to the model and not run again (the write_file intent, n = 2, is verified instead).
                String skipped = LINES.get(n == 1 ? 0 : n - 2);
                assertThat(count).as(label).containsExactlyElementsOf(LINES.stream().filter(l -> !l.equals(skipped)).toList());
                assertThat(allToolMessages(server)).as(label).anyMatch(m -> m.contains("its effect is unknown and it was not run again"));
            } else {
                assertThat(count).as(label).containsExactlyElementsOf(LINES);
            }

            List<Integer> asked = server.requestsPerTurn();
            assertThat(asked).as(label).hasSize(5).allMatch(times -> times >= 1 && times <= 2);
            assertThat(asked.stream().mapToInt(Integer::intValue).sum()).as(label + ": only the turn in flight is asked again")
                    .isLessThanOrEqualTo(6);
            if (point.equals("after_reply_journaled") || point.equals("after_intent") || point.startsWith("after_tool")
                    || point.equals("after_outcome")) {
                assertThat(asked).as(label + ": the journaled reply is reused").containsOnly(1);
            }
            CliFixture.Outcome verified = fx.agent("audit", "verify", "crash");
            assertThat(verified.exit()).as(label + ": " + verified.err()).isZero();
        }
    }

    private static List<String> allToolMessages(ScriptedModelServer server) {
        List<String> contents = new ArrayList<>();
        for (JsonNode request : server.requests()) {
            for (JsonNode m : request.path("messages")) {
                if (m.path("role").asText().equals("tool")) {
                    contents.add(m.path("content").asText());
                }
            }
        }
        return contents;
    }
}
