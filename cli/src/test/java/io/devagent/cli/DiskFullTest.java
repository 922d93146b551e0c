package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The state directory fills up mid-run (a 256 KiB tmpfs, mounted in a private mount namespace):
 * the run stops as failed with a clear message, the last committed step stays intact, and once
 * there is room the run resumes and finishes.
 */
class DiskFullTest {

    @TempDir
    Path root;

    @Test
    void aFullDiskStopsTheRunLoudlyAndLeavesItResumable() throws Exception {
        boolean canMount = new ProcessBuilder("unshare", "-rm", "true").start().waitFor() == 0;
        assumeTrue(canMount || "true".equals(System.getenv("CI")), "unshare -rm is not available here");
        assertThat(canMount).as("unshare -rm (a private mount namespace) must work in CI").isTrue();

        try (ScriptedModelServer server = ScriptedModelServer.start()) {
            List<Reply> script = new ArrayList<>();
            for (int i = 0; i < 14; i++) {
                // A limit of its own each time: the same call with the same result five times would stop the run.
                script.add(Reply.toolCall("read_file", "{\"path\":\"big.txt\",\"limit\":" + (250 + i) + "}"));
            }
            script.add(Reply.text("read it all"));
            server.selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS).script(script.toArray(Reply[]::new));
            CliFixture fx = new CliFixture(root, server);
            fx.vars.put("LLM_MODEL", "scripted-model");
            Files.writeString(fx.workspace.resolve("big.txt"), ("x".repeat(99) + "\n").repeat(300));
            // The scripted model's usage grows with the conversation; the token budget is not what this test is about.
            Path policy = Files.writeString(root.resolve("policy.yaml"), "limits: {maxTokens: 100000000}\n");
            fx.vars.put("AGENT_POLICY_FILE", policy.toString());
            Path copy = Files.createDirectories(root.resolve("state-after"));
            Files.createDirectories(fx.state);

            List<String> command = new ArrayList<>(List.of("unshare", "-rm", "sh", "-c",
                    "mount -t tmpfs -o size=256k tmpfs \"$0\" && \"$@\"; code=$?; cp -a \"$0\"/. " + copy + "/; exit $code",
                    fx.state.toString()));
            command.addAll(fx.javaCommand("run", "Read big.txt many times", "--run-id", "full-1"));
            ProcessBuilder builder = new ProcessBuilder(command).directory(fx.workspace.toFile());
            builder.environment().clear();
            builder.environment().putAll(fx.vars);
            builder.redirectOutput(root.resolve("out.txt").toFile()).redirectError(root.resolve("err.txt").toFile());
            Process agent = builder.start();
            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(root.resolve("err.txt"));

            assertThat(agent.exitValue()).as(err).isEqualTo(1);
            assertThat(err).contains("cannot write the checkpoint").contains("No space left on device")
                    .contains("can be resumed").doesNotContain("Exception").doesNotContain("\tat ");

            // With room again (the state copied off the full disk), the run picks up at its last committed step.
            fx.vars.put("AGENT_STATE_DIR", copy.toString());
            JsonNode before = Json.parse(fx.agent("checkpoints", "show", "full-1").out());
            int committed = before.path("current_step").asInt();
            assertThat(committed).isBetween(1, 13);

            CliFixture.Outcome resumed = fx.agent("checkpoints", "resume", "full-1", "--json");

            assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
            JsonNode result = Json.parse(resumed.out());
            assertThat(result.path("status").asText()).isEqualTo("succeeded");
            assertThat(result.path("answer").asText()).isEqualTo("read it all");
            assertThat(result.path("steps").asInt()).isEqualTo(15);
            // Only the step being written when the disk filled was asked again.
            assertThat(server.chatRequestCount()).isLessThanOrEqualTo(16);
            assertThat(fx.agent("audit", "verify", "full-1").exit()).isZero();
        }
    }
}
