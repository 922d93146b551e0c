package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.testkit.GitRepos;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two goals handed to one main runtime at once, in a git repository: the second run works in a
 * worktree of its own, each run's diff holds only its own change, and {@code agent apply} brings
 * the second one's change into the working tree (refusing while a file there conflicts).
 */
@ExtendWith(CliHarness.class)
class ConcurrentRunsTest {

    private static final Duration DEADLINE = CliFixture.DEADLINE;

    ScriptedModelServer server;
    CliFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx.vars.put("LLM_MODEL", "scripted-model");
        fx.gitWorkspace(Map.of("README.md", "# Demo\n"));
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
        fx.startRuntime();

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

    @Test
    void outsideGitTheSecondWriterWaitsItsTurnAndSaysSo() throws Exception {
        Path plain = Files.createDirectories(fx.root.resolve("plain"));
        Files.writeString(plain.resolve("README.md"), "# Plain\n");
        fx.vars.put("AGENT_WORKSPACE", plain.toString());
        CountDownLatch secondWaiting = new CountDownLatch(1);
        server.whenExhausted((exchange, request) -> {
            boolean goalA = request.path("messages").findValues("content").stream().anyMatch(c -> c.asText().startsWith("Goal A"));
            long turns = 0;
            for (JsonNode m : request.path("messages")) {
                turns += m.path("role").asText().equals("assistant") ? 1 : 0;
            }
            if (goalA && turns == 1) {
                await(secondWaiting);
            }
            Reply reply = turns == 0
                    ? Reply.toolCall("write_file", "{\"path\":\"" + (goalA ? "a" : "b") + ".txt\",\"content\":\"x\\n\"}")
                    : Reply.text("done");
            reply.serve(exchange, request);
        });
        fx.startRuntime();

        String a = detached("Goal A: write a");
        awaitRequests(2);
        String b = detached("Goal B: write b");
        Path auditB = fx.state.resolve("audit").resolve("run-" + b + ".jsonl");
        await("run B to say it waits", () -> Files.exists(auditB) && Files.readString(auditB).contains("\"workspace_wait\""));
        assertThat(Files.readString(auditB)).contains("waiting: run " + a + " is writing " + plain.toRealPath());
        assertThat(plain.resolve("b.txt")).doesNotExist(); // B may read and think, but its write waits
        secondWaiting.countDown();
        await("both runs to succeed", () -> status(a).equals("succeeded") && status(b).equals("succeeded"));

        // B wrote only once A had finished with the workspace.
        java.time.Instant aFinished = java.time.Instant.parse(event(a, "run_finished").path("ts").asText());
        java.time.Instant bWrote = java.time.Instant.parse(event(b, "tool_result").path("ts").asText());
        assertThat(bWrote).isAfter(aFinished);

        assertThat(paths(a)).containsExactly("a.txt");
        assertThat(paths(b)).containsExactly("b.txt");
        assertThat(fx.state.resolve("worktrees").resolve(b)).doesNotExist();
    }

    /** The first audit event of a type in a run's log. */
    private JsonNode event(String runId, String type) throws Exception {
        for (String line : Files.readAllLines(fx.state.resolve("audit").resolve("run-" + runId + ".jsonl"))) {
            JsonNode event = Json.parse(line);
            if (event.path("type").asText().equals(type)) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " event in run " + runId);
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

    private void awaitRequests(int n) throws InterruptedException {
        server.awaitChatRequests(n, DEADLINE);
    }

    private void await(String what, io.devagent.testkit.Await.Check check) throws Exception {
        fx.await(what, check);
    }
}
