package io.devagent.tool;

import io.devagent.policy.Policy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static io.devagent.tool.ToolFixtures.args;
import static io.devagent.tool.ToolFixtures.context;
import static io.devagent.tool.ToolFixtures.requireProgram;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A run isolated in a git worktree (its {@code .git} is a file pointing into the main repository):
 * under either sandbox, git works read-only, the repository cannot be written, and the main
 * checkout's own files stay out of reach.
 */
class ShellInWorktreeTest {

    @TempDir
    Path base;

    Path main;
    Path worktree;

    @BeforeEach
    void setUp() throws Exception {
        requireProgram("/usr/bin/git");
        main = Files.createDirectories(base.resolve("main")).toRealPath();
        Files.writeString(main.resolve("secret-in-main.txt"), "main-checkout-only\n");
        Files.writeString(Files.createDirectories(main.resolve("src")).resolve("App.java"), "class App {}\n");
        git(main, "init", "-q", "-b", "main");
        git(main, "add", ".");
        git(main, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first commit of main");
        git(main, "worktree", "add", "-q", "-b", "run-1", base.resolve("wt").toString());
        worktree = base.resolve("wt").toRealPath();
        Files.delete(worktree.resolve("secret-in-main.txt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"landlock", "bwrap"})
    void gitReadsTheRepositoryButCannotWriteItNorReachTheMainCheckout(String sandbox) throws Exception {
        require(sandbox, sandbox.equals("landlock") ? ShellSandbox.landlockProblem() : ShellSandbox.bwrapProblem());
        ToolContext ctx = context(worktree, Policy.defaults(), Map.of("AGENT_SHELL_SANDBOX", sandbox));
        String gitDir = main.resolve(".git").toString();
        String out = new RunShellTool().execute(args("command", "git log -1 --format=%s; echo log=$?; "
                + "touch " + gitDir + "/planted; echo touch=$?; "
                + "cat " + main.resolve("secret-in-main.txt") + "; echo cat=$?; "
                + "echo made > src/made.txt; echo write=$?"), ctx).output();

        assertThat(out).contains("first commit of main", "log=0", "write=0").doesNotContain("touch=0", "cat=0", "main-checkout-only");
        assertThat(main.resolve(".git/planted")).doesNotExist();
        // Into a directory: Landlock cannot let the shell add entries beside the read-only .git (README, "The shell sandbox").
        assertThat(worktree.resolve("src/made.txt")).hasContent("made\n");
    }

    private static void require(String sandbox, Optional<String> problem) {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(problem).as(sandbox + " must work in CI").isEmpty();
        } else {
            assumeTrue(problem.isEmpty(), () -> "no usable " + sandbox + ": " + problem.orElse(""));
        }
    }

    private static void git(Path dir, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
