package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent run --replay ID}: a recorded run re-run with no model, its first difference found. */
class ReplayTest {

    @TempDir
    Path root;

    @Test
    void aReplayWithNoModelMatchesUntilTheWorkspaceDiffers() throws Exception {
        CliFixture fx;
        try (ScriptedModelServer server = ScriptedModelServer.start()) {
            server.script(
                    Reply.toolCall("read_file", "{\"path\":\"README.md\"}"),
                    Reply.toolCall("write_file", "{\"path\":\"out.txt\",\"content\":\"copied\"}"),
                    Reply.toolCall("run_shell", "{\"command\":\"cat out.txt VERSION\"}"),
                    Reply.text("done"));
            fx = new CliFixture(root, server);
            Files.writeString(fx.workspace.resolve("README.md"), "# Demo\n");
            Files.writeString(fx.workspace.resolve("VERSION"), "1.0\n");
            assertThat(fx.agent("run", "Copy", "--run-id", "orig").exit()).isZero();
        }
        // The model server is gone now: a replay needs none. Put the workspace back as it was at the start.
        Files.delete(fx.workspace.resolve("out.txt"));

        CliFixture.Outcome same = fx.agent("run", "--replay", "orig", "--json");

        assertThat(same.exit()).as(same.err()).isZero();
        JsonNode report = Json.parse(same.out());
        assertThat(report.path("identical").asBoolean()).isTrue();
        assertThat(report.path("recorded_steps").asInt()).isEqualTo(4);
        assertThat(report.path("status").asText()).isEqualTo("succeeded");
        assertThat(fx.workspace.resolve("out.txt")).doesNotExist(); // the real workspace was not touched
        assertThat(Path.of(report.path("workspace").asText()).resolve("out.txt")).hasContent("copied");

        Files.writeString(fx.workspace.resolve("VERSION"), "2.0\n");
        CliFixture.Outcome differs = fx.agent("run", "--replay", "orig");

        assertThat(differs.exit()).isEqualTo(1);
        assertThat(differs.out()).contains("first difference: step 3, tool call 1").contains("1.0").contains("2.0");
    }
}
