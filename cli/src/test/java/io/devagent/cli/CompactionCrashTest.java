package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ServerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run process dies (as with SIGKILL) after a compaction: the resumed run sends the very bytes
 * it sent before the kill, stays inside the window, and an edit is done exactly once.
 */
class CompactionCrashTest {

    private static final int WINDOW = 8192;

    @TempDir
    Path root;

    private CliFixture fixture(ScriptedModelServer server, String name) throws Exception {
        CliFixture fx = new CliFixture(Files.createDirectories(root.resolve(name)), server);
        fx.vars.put("LLM_MODEL", "scripted-model");
        for (int i = 1; i <= 30; i++) {
            StringBuilder text = new StringBuilder("note " + i + " begins\n");
            while (text.length() < 2400) {
                text.append("Filler for note ").append(i).append(", kept to fill the file to size.\n");
            }
            Files.writeString(fx.workspace.resolve("note-" + i + ".txt"), text);
        }
        return fx;
    }

    /** A server that plays {@code kind} with a small window, keeps the request bytes, and has the run read every note. */
    private static ScriptedModelServer readingNotes(ServerKind kind) {
        ScriptedModelServer server = ScriptedModelServer.start().playing(kind, WINDOW).keepingRawRequests();
        List<Reply> replies = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            replies.add(Reply.toolCall("read_file", "{\"path\":\"note-" + i + ".txt\"}"));
        }
        server.whenExhausted(Reply.text("read them all"));
        server.script(replies.toArray(Reply[]::new));
        return server;
    }

    @Test
    void aRunKilledAfterACompactionResumesWithTheSameRequestBytes() throws Exception {
        try (ScriptedModelServer server = readingNotes(ServerKind.LLAMA_CPP)) {
            CliFixture fx = fixture(server, "killed");
            // Killed after the 20th reply arrived and before it was journaled: request 20 is sent again on resume.
            fx.crashAt("after_model_reply@20", "run", "Read the notes", "--run-id", "long");
            List<JsonNode> before = journal(fx, "compaction");
            assertThat(before).as("compactions before the kill").isNotEmpty();

            CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "long", "--json");

            assertThat(resumed.exit()).as(resumed.err()).isZero();
            assertThat(Json.parse(resumed.out()).path("status").asText()).isEqualTo("succeeded");
            List<byte[]> requests = server.rawRequests();
            assertThat(requests.size()).isGreaterThan(20);
            assertThat(Arrays.equals(requests.get(19), requests.get(20)))
                    .as("the request asked again after the kill is byte for byte the one sent before it").isTrue();
            assertThat(server.overWindowRequests()).isZero();
        }
    }

    @Test
    void aRunKilledRightAfterJournalingACompactionResumesInsideTheWindow() throws Exception {
        try (ScriptedModelServer server = readingNotes(ServerKind.VLLM)) {
            CliFixture fx = fixture(server, "after-compaction");
            fx.crashAt("after_compaction@1", "run", "Read the notes", "--run-id", "compacted");
            int sentBeforeKill = server.rawRequests().size();
            JsonNode compaction = journal(fx, "compaction").getFirst();

            CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "compacted", "--json");

            assertThat(resumed.exit()).as(resumed.err()).isZero();
            assertThat(server.overWindowRequests()).isZero();
            // The resumed run used the journaled compaction as it was: no second compaction at the same step.
            assertThat(journal(fx, "compaction")).filteredOn(c -> c.path("at_step").asInt() == compaction.path("at_step").asInt())
                    .hasSize(1);
            JsonNode first = Json.parse(new String(server.rawRequests().get(sentBeforeKill)));
            // ...and the first request after the resume is sent as that compaction says.
            int summarized = compaction.path("summarized_through").asInt();
            assertThat(first.path("messages").toString()).contains(summarized > 0
                    ? "[Summary of steps 1-" + summarized + ", written when the context was compacted"
                    : "[compacted: the output of read_file(path=note-1.txt)");
        }
    }

    @Test
    void anEditKilledBetweenItsIntentAndItsOutcomeIsDoneExactlyOnce() throws Exception {
        for (String point : List.of("after_intent", "after_tool_executed")) {
            try (ScriptedModelServer server = ScriptedModelServer.start()) {
                server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(
                        Reply.toolCall("edit_file", "{\"path\":\"count.txt\",\"old_string\":\"count = 1\",\"new_string\":\"count = 1 + 1\"}"),
                        Reply.text("edited"));
                CliFixture fx = new CliFixture(Files.createDirectories(root.resolve(point)), server);
                fx.vars.put("LLM_MODEL", "scripted-model");
                Files.writeString(fx.workspace.resolve("count.txt"), "count = 1\n");
                fx.crashAt(point, "run", "Edit once", "--run-id", "edit");

                CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "edit", "--json");

                assertThat(resumed.exit()).as(point + ": " + resumed.err()).isZero();
                assertThat(Files.readString(fx.workspace.resolve("count.txt"))).as(point).isEqualTo("count = 1 + 1\n");
            }
        }
    }

    private static List<JsonNode> journal(CliFixture fx, String type) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        for (String line : Files.readAllLines(fx.state.resolve("checkpoints").resolve(fx.state.resolve("checkpoints").toFile().list()[0])
                .resolve("journal.jsonl"))) {
            JsonNode entry = Json.parse(line);
            if (entry.path("type").asText().equals(type)) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
