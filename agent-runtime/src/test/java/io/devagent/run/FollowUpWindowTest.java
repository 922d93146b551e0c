package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.testkit.ScriptedModelServer.ServerKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A follow-up ({@code agent run --continue}) of a long run on a small window: what it carries of the
 * earlier conversation is bounded, so its requests stay inside the window, and it still knows the
 * earlier goal and answer; follow-ups of follow-ups do not pile up.
 */
@ExtendWith(RunFixtureExtension.class)
class FollowUpWindowTest {

    private static final int WINDOW = 8192;
    private static final int FILES = 30;

    RunFixture fx;

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        this.fx = fx;
        for (int i = 1; i <= FILES; i++) {
            Files.writeString(fx.workspace.resolve("part-" + i + ".txt"), ("part " + i + " of the manual, kept long on purpose.\n").repeat(50));
        }
        fx.server.playing(ServerKind.LLAMA_CPP, WINDOW);
    }

    private RunResult readAll(String goal, String answer, Optional<String> continueFrom) throws Exception {
        List<Reply> replies = new ArrayList<>();
        for (int i = 1; i <= FILES; i++) {
            replies.add(Reply.toolCall("read_file", "{\"path\":\"part-" + i + ".txt\"}"));
        }
        replies.add(Reply.text(answer));
        fx.server.script(replies.toArray(Reply[]::new));
        return fx.agent().start(goal, Optional.empty(), continueFrom, new RunControl(), RunListener.NONE);
    }

    @Test
    void aFollowUpOfALongRunStaysInsideTheWindowAndKnowsWhatCameBefore() throws Exception {
        RunResult first = readAll("Read the manual", "The manual has thirty parts.", Optional.empty());
        assertThat(first.status()).as(first.message()).isEqualTo(Snapshot.SUCCEEDED);
        int before = fx.server.requests().size();

        RunResult second = readAll("Read it again and count the lines", "Fifty lines a part.", Optional.of(first.runId()));
        RunResult third = readAll("Once more", "Still fifty.", Optional.of(second.runId()));

        assertThat(second.status()).as(second.message()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(third.status()).as(third.message()).isEqualTo(Snapshot.SUCCEEDED);
        assertThat(fx.server.overWindowRequests()).as("requests over the window").isZero();
        List<JsonNode> requests = fx.server.requests();
        JsonNode secondsFirst = requests.get(before).path("messages");
        String carried = Json.write(secondsFirst);
        assertThat(carried).contains("Read the manual").contains("The manual has thirty parts.");
        assertThat(secondsFirst.get(secondsFirst.size() - 1).path("content").asText()).isEqualTo("Read it again and count the lines");
        // The third carries the first two goals, not their thirty full reads each.
        String thirdsFirst = Json.write(requests.get(requests.size() - FILES - 1).path("messages"));
        assertThat(thirdsFirst).contains("Read it again and count the lines").contains("Fifty lines a part.");
        assertThat(thirdsFirst.length()).isLessThan(WINDOW * 3 / 2);
    }
}
