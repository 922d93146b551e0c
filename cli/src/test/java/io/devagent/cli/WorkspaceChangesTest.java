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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a run changed, seen and undone through the CLI: real runs against the scripted model server,
 * a real git repository as the workspace, real files and a real (sandboxed) shell.
 */
@ExtendWith(CliHarness.class)
class WorkspaceChangesTest {

    ScriptedModelServer server;
    CliFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx.gitWorkspace(Map.of("README.md", "# Demo\n", "src/app.txt", "line1\n", "old.txt", "old\n",
                ".gitignore", "build/\n"));
        // The user's own work in progress, from before the run: never part of the run's diff.
        Files.writeString(fx.workspace.resolve("README.md"), "# Demo\nuser edit\n");
        Files.writeString(fx.workspace.resolve("notes.txt"), "user notes\n");
    }

    private String runId(CliFixture.Outcome run) {
        assertThat(run.exit()).as(run.err()).isZero();
        return run.outLines().get(0).substring("run_id: ".length());
    }

    private String writeEditAndShellRun() {
        server.script(
                Reply.toolCall("write_file", "{\"path\":\"new.txt\",\"content\":\"hello\\n\"}"),
                Reply.toolCall("write_file", "{\"path\":\"src/app.txt\",\"content\":\"line1\\nchanged by the agent\\n\"}"),
                Reply.toolCall("run_shell", "{\"command\":\"echo from-shell >> src/app.txt && rm old.txt && mkdir -p build && echo obj > build/out.o\"}"),
                Reply.text("Done."));
        return runId(fx.agent("run", "Change things"));
    }

    @Test
    void theDiffHoldsWhatTheRunDidAndNothingFromBefore() throws Exception {
        Map<String, String> gitBefore = GitRepos.tree(fx.workspace.resolve(".git"));
        String id = writeEditAndShellRun();

        CliFixture.Outcome diff = fx.agent("diff", id, "--json");
        assertThat(diff.exit()).as(diff.err() + Files.readString(fx.state.resolve("audit").resolve("run-" + id + ".jsonl"))).isZero();
        JsonNode json = Json.parse(diff.out());
        assertThat(json.path("run_id").asText()).isEqualTo(id);
        assertThat(json.path("step").isNull()).isTrue();
        Map<String, JsonNode> files = new java.util.TreeMap<>();
        json.path("files").forEach(f -> files.put(f.path("path").asText(), f));
        assertThat(files).containsOnlyKeys("new.txt", "old.txt", "src/app.txt");
        assertThat(files.get("new.txt").path("status").asText()).isEqualTo("added");
        assertThat(files.get("old.txt").path("status").asText()).isEqualTo("deleted");
        JsonNode app = files.get("src/app.txt");
        assertThat(app.path("status").asText()).isEqualTo("modified");
        assertThat(app.path("insertions").asInt()).isEqualTo(2);
        assertThat(app.path("binary").asBoolean()).isFalse();
        assertThat(app.path("patch").asText()).contains("+changed by the agent").contains("+from-shell")
                .startsWith("diff --git a/src/app.txt b/src/app.txt");
        assertThat(json.path("summary").path("files").asInt()).isEqualTo(3);
        assertThat(json.path("summary").path("insertions").asInt()).isEqualTo(3);
        assertThat(json.path("summary").path("deletions").asInt()).isEqualTo(1);

        // One step at a time: step 1 wrote new.txt, step 3 is the shell's.
        assertThat(paths(fx.agent("diff", id, "--step", "1", "--json"))).containsExactly("new.txt");
        assertThat(paths(fx.agent("diff", id, "--step", "3", "--json"))).containsExactly("old.txt", "src/app.txt");
        assertThat(paths(fx.agent("diff", id, "--step", "4", "--json"))).isEmpty();

        CliFixture.Outcome stat = fx.agent("diff", id, "--stat");
        assertThat(stat.out()).contains("new.txt").contains("added").contains("3 files changed, 3 insertions(+), 1 deletions(-)");
        CliFixture.Outcome patch = fx.agent("diff", id);
        assertThat(patch.out()).contains("--- a/old.txt").contains("+++ b/new.txt").doesNotContain("user edit");

        // The user's repository was never written: not its objects, index, HEAD or refs.
        assertThat(GitRepos.tree(fx.workspace.resolve(".git"))).isEqualTo(gitBefore);
    }

    @Test
    void revertRestoresExactlyTheWorkspaceBeforeTheRun() throws Exception {
        Map<String, String> before = GitRepos.tree(fx.workspace, ".git", "build");
        String id = writeEditAndShellRun();
        assertThat(GitRepos.tree(fx.workspace, ".git", "build")).isNotEqualTo(before);

        CliFixture.Outcome revert = fx.agent("revert", id);

        assertThat(revert.exit()).as(revert.err()).isZero();
        assertThat(revert.out()).contains("reverted run " + id + " to before it started: 3 files");
        assertThat(GitRepos.tree(fx.workspace, ".git", "build")).isEqualTo(before);
        assertThat(Files.readString(fx.workspace.resolve("README.md"))).isEqualTo("# Demo\nuser edit\n");
        assertThat(fx.agent("audit", "verify", id).exit()).isZero();
        assertThat(Files.readString(fx.state.resolve("audit").resolve("run-" + id + ".jsonl"))).contains("\"workspace_reverted\"");
        // Reverting again finds nothing left to do.
        assertThat(fx.agent("revert", id).out()).contains(": 0 files");
    }

    @Test
    void revertToAStepKeepsTheStepsBeforeIt() throws Exception {
        String id = writeEditAndShellRun();

        CliFixture.Outcome revert = fx.agent("revert", id, "--to-step", "2");

        assertThat(revert.exit()).as(revert.err()).isZero();
        assertThat(Files.readString(fx.workspace.resolve("src/app.txt"))).isEqualTo("line1\nchanged by the agent\n");
        assertThat(fx.workspace.resolve("old.txt")).hasContent("old");
        assertThat(fx.workspace.resolve("new.txt")).hasContent("hello");
    }

    @Test
    void revertRefusesOverALaterEditAndMergesOnlyWhenForced() throws Exception {
        String id = writeEditAndShellRun();
        Files.writeString(fx.workspace.resolve("new.txt"), "hello\nmine, after the run\n");
        Map<String, String> edited = GitRepos.tree(fx.workspace, ".git");

        CliFixture.Outcome refused = fx.agent("revert", id);

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("changed again after run " + id).contains("new.txt").contains("--force")
                .doesNotContain("Exception");
        assertThat(GitRepos.tree(fx.workspace, ".git")).isEqualTo(edited);

        CliFixture.Outcome forced = fx.agent("revert", id, "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(fx.workspace.resolve("old.txt")).hasContent("old");
        assertThat(Files.readString(fx.workspace.resolve("new.txt"))).contains("mine, after the run");
        assertThat(Files.readString(fx.state.resolve("audit").resolve("run-" + id + ".jsonl"))).contains("\"forced\":true");
    }

    @Test
    void aRunWithoutSnapshotsIsAClearError() throws Exception {
        fx.vars.put("AGENT_SNAPSHOTS", "false");
        server.script(Reply.text("Nothing to do."));
        String id = runId(fx.agent("run", "Nothing"));

        CliFixture.Outcome diff = fx.agent("diff", id);
        CliFixture.Outcome revert = fx.agent("revert", id);
        CliFixture.Outcome unknown = fx.agent("diff", "no-such-run");

        assertThat(diff.exit()).isEqualTo(1);
        assertThat(diff.err()).startsWith("error: run '" + id + "' has no workspace snapshot");
        assertThat(revert.exit()).isEqualTo(1);
        assertThat(revert.err()).contains("nothing to revert");
        assertThat(unknown.err()).contains("has no workspace snapshot");
    }

    @Test
    void gitReadsWorkInTheShellWhileGitStaysUnwritten() throws Exception {
        String head = GitRepos.git(fx.workspace, "rev-parse", "HEAD").strip();
        Map<String, String> gitBefore = GitRepos.tree(fx.workspace.resolve(".git"));
        server.script(
                Reply.toolCall("run_shell", "{\"command\":\"git log --oneline && git status --short && git diff --stat\"}"),
                Reply.toolCall("run_shell", "{\"command\":\"touch .git/evil; git update-ref refs/heads/evil HEAD; echo x > .git/HEAD; true\"}"),
                Reply.toolCall("read_file", "{\"path\":\".git/HEAD\"}"),
                Reply.toolCall("write_file", "{\"path\":\".git/config\",\"content\":\"broken\"}"),
                Reply.toolCall("read_file", "{\"path\":\".env\"}"),
                Reply.text("Looked."));
        Files.writeString(fx.workspace.resolve(".env"), "SECRET=1\n");

        String id = runId(fx.agent("run", "Look at history"));

        List<String> results = toolResults(id);
        assertThat(results.get(0)).contains("exit code: 0").contains("initial").contains("M README.md").contains("?? notes.txt");
        assertThat(results.get(1)).contains("Read-only file system");
        assertThat(results.get(2)).contains("ref: refs/heads/main");
        assertThat(results.get(3)).contains("read-only (files.readOnly)");
        assertThat(results.get(4)).contains("files.deny");
        assertThat(GitRepos.git(fx.workspace, "rev-parse", "HEAD").strip()).isEqualTo(head);
        assertThat(fx.workspace.resolve(".git/evil")).doesNotExist();
        Map<String, String> gitAfter = GitRepos.tree(fx.workspace.resolve(".git"));
        assertThat(gitAfter).isEqualTo(gitBefore);
        // The snapshots hold the workspace but never a denied file: .env is not copied into the state directory.
        Path shadow;
        try (var dirs = Files.list(fx.state.resolve("snapshots"))) {
            shadow = dirs.filter(d -> d.getFileName().toString().endsWith(".git")).findFirst().orElseThrow();
        }
        String recorded = GitRepos.git(fx.state, "--git-dir=" + shadow, "ls-tree", "-r", "--name-only", "refs/runs/" + id + "/start");
        assertThat(recorded).contains("README.md", "notes.txt").doesNotContain(".env");
    }

    /** The tool results the run's audit recorded, in order. */
    private List<String> toolResults(String id) throws Exception {
        List<String> outputs = new ArrayList<>();
        for (String line : Files.readAllLines(fx.state.resolve("audit").resolve("run-" + id + ".jsonl"))) {
            JsonNode event = Json.parse(line);
            if (event.path("type").asText().equals("tool_result")) {
                outputs.add(event.path("data").path("output").asText());
            }
        }
        return outputs;
    }

    private static List<String> paths(CliFixture.Outcome diff) throws Exception {
        assertThat(diff.exit()).as(diff.err()).isZero();
        List<String> paths = new ArrayList<>();
        Json.parse(diff.out()).path("files").forEach(f -> paths.add(f.path("path").asText()));
        return paths;
    }
}
