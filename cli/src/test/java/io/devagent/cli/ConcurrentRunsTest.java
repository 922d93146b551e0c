package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.state.PidFile;
import io.devagent.testkit.GitRepos;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Two goals handed to one main runtime at once, in a git repository: the second run works in a
 * worktree of its own, each run's diff holds only its own change, and {@code agent apply} brings
 * the second one's change into the working tree (refusing while a file there conflicts).
 */
class ConcurrentRunsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path root;
    ScriptedModelServer server;
    CliFixture fx;
    Process runtime;

    @BeforeEach
    void setUp() throws Exception {
        server = ScriptedModelServer.start();
        fx = new CliFixture(root, server);
        fx.vars.put("LLM_MODEL", "scripted-model");
        GitRepos.init(fx.workspace, Map.of("README.md", "# Demo\n"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runtime != null && runtime.isAlive()) {
            runtime.destroyForcibly();
            runtime.waitFor(10, TimeUnit.SECONDS);
        }
        server.close();
    }

    @Test
    void twoRunsAtOnceAreKeptApartAndTheSecondIsAppliedOnRequest() throws Exception {
        CountDownLatch secondAsked = new CountDownLatch(1);
        // Run A holds the working tree (its second request waits until run B has started); B writes elsewhere.
        server.whenExhausted((exchange, request) -> {
            String goal = request.path("messages").findValues("content").stream().map(JsonNode::asText)
                    .filter(c -> c.startsWith("Goal ")).findFirst().orElse("");
            long turns = 0;
            for (JsonNode m : request.path("messages")) {
                turns += m.path("role").asText().equals("assistant") ? 1 : 0;
            }
            Reply reply;
            if (goal.startsWith("Goal A")) {
                if (turns == 1) {
                    await(secondAsked);
                }
                reply = switch ((int) turns) {
                    case 0 -> Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"from A\\n\"}");
                    case 1 -> Reply.toolCall("run_shell", "{\"command\":\"echo more from A >> a.txt\"}");
                    default -> Reply.text("A done.");
                };
            } else {
                secondAsked.countDown();
                reply = switch ((int) turns) {
                    case 0 -> Reply.toolCall("write_file", "{\"path\":\"b.txt\",\"content\":\"from B\\n\"}");
                    case 1 -> Reply.toolCall("write_file", "{\"path\":\"README.md\",\"content\":\"# Demo, by B\\n\"}");
                    default -> Reply.text("B done.");
                };
            }
            reply.serve(exchange, request);
        });
        startRuntime();

        String a = detached("Goal A: write a");
        awaitRequests(2); // A has written a.txt and waits on its second request
        String b = detached("Goal B: write b");
        await("both runs to succeed", () -> status(a).equals("succeeded") && status(b).equals("succeeded"));

        assertThat(paths(a)).containsExactly("a.txt");
        assertThat(paths(b)).containsExactly("README.md", "b.txt");
        assertThat(fx.workspace.resolve("a.txt")).hasContent("from A\nmore from A");
        assertThat(fx.workspace.resolve("b.txt")).doesNotExist();
        Path worktree = fx.state.resolve("worktrees").resolve(b);
        assertThat(worktree.resolve("b.txt")).hasContent("from B");
        assertThat(GitRepos.git(fx.workspace, "branch", "--list", "dev-agent/" + b)).contains("dev-agent/" + b);
        assertThat(fx.out("runtime") + fx.err("runtime")).doesNotContain("Exception");

        // A conflicting edit in the working tree: nothing is applied, and the file is named.
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo, edited by hand\n");
        CliFixture.Outcome refused = fx.agent("apply", b);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("README.md").contains("not applied");
        assertThat(fx.workspace.resolve("b.txt")).doesNotExist();

        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\n");
        CliFixture.Outcome applied = fx.agent("apply", b);
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(fx.workspace.resolve("b.txt")).hasContent("from B");
        assertThat(fx.workspace.resolve("README.md")).hasContent("# Demo, by B");
        assertThat(fx.workspace.resolve("a.txt")).hasContent("from A\nmore from A");
        assertThat(fx.agent("apply", a).err()).contains("already there");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String detached(String goal) {
        CliFixture.Outcome run = fx.agent("run", goal, "--detach");
        assertThat(run.exit()).as(run.err()).isZero();
        return run.outLines().get(0).substring("run_id: ".length());
    }

    private String status(String runId) throws Exception {
        CliFixture.Outcome show = fx.agent("checkpoints", "show", runId);
        return show.exit() == 0 ? Json.parse(show.out()).path("status").asText() : "";
    }

    private List<String> paths(String runId) throws Exception {
        CliFixture.Outcome diff = fx.agent("diff", runId, "--json");
        assertThat(diff.exit()).as(diff.err()).isZero();
        List<String> paths = new ArrayList<>();
        Json.parse(diff.out()).path("files").forEach(f -> paths.add(f.path("path").asText()));
        return paths;
    }

    private void startRuntime() throws Exception {
        runtime = fx.spawnNamed("runtime", "run");
        await("the main runtime to be ready", () -> {
            if (!runtime.isAlive()) {
                fail("the main runtime exited " + runtime.exitValue() + ": " + fx.err("runtime"));
            }
            return PidFile.read(fx.state.resolve("agent.pid")).map(PidFile.Owner::pid).equals(Optional.of(runtime.pid()))
                    && Files.exists(fx.state.resolve("agent.sock"));
        });
    }

    private void awaitRequests(int n) throws InterruptedException {
        server.awaitChatRequests(n, DEADLINE);
    }

    private void await(String what, io.devagent.testkit.Await.Check check) throws Exception {
        io.devagent.testkit.Await.until(what, fx.state, DEADLINE, check);
    }
}
