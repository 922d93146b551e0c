package io.devagent.run;

import io.devagent.run.HostileRun.Probe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.devagent.run.HostileRun.read;
import static io.devagent.run.HostileRun.requireBubblewrap;
import static io.devagent.run.HostileRun.requireSandbox;
import static io.devagent.run.HostileRun.shell;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model that tries to leave the workspace, read the state directory or the denied files, or leave
 * a process behind, through {@code run_shell}. The commands run (the runtime cannot judge what a
 * command will touch), so the sandbox is what must hold: they see nothing and change nothing outside.
 */
class HostileShellTest extends HostileSuite {

    static final String OUTSIDE = "OUTSIDE-SECRET-2d7c";
    static final String INNER = "OUTSIDE-DIR-SECRET-61fa";
    static final String ENV = "ENV-SECRET-a93e";
    static final String SUB_ENV = "SUB-ENV-SECRET-58b0";
    static final String GIT = "GIT-SECRET-0c4d";

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        // Not the files the default policy denies: Landlock cannot hide them, so only bubblewrap runs commands beside them.
        ground(fx, OUTSIDE, INNER);
    }

    @Test
    void shellCommandsCannotReadOrWriteOutsideTheWorkspace() throws Exception {
        requireSandbox();
        List<Probe> probes = List.of(
                shell("cat inside.txt"),
                shell("cat ../secret.txt"),
                shell("cat " + secret),
                shell("cat link-to-secret"),
                shell("cat link-to-outdir/inner.txt"),
                shell("ls -la .. " + root + "; ls " + outdir),
                shell("grep -rs SECRET " + root + " /tmp /home /root /etc /var /opt /srv /mnt; echo grep-done"),
                shell("echo x > ../pwned; cat ../pwned"),
                shell("echo x > " + root.resolve("pwned-abs")),
                shell("echo x > link-to-secret; echo x > link-to-outdir/pwned"),
                shell("cd .. && echo x > pwned-cd; mkdir -p " + outdir + " && echo x > " + outdir.resolve("pwned-mkdir")),
                shell("cp link-to-secret copied.txt; cat copied.txt"));

        HostileRun run = HostileRun.run(fx, "shell-escape", probes);

        for (int i = 0; i < probes.size(); i++) {
            run.assertRan(i);
        }
        // The control: the sandbox runs commands and shows the workspace, so silence elsewhere is the sandbox's.
        assertThat(run.message(0)).isEqualTo("exit code: 0\ninside content\n");
        // Absent under bubblewrap, unreadable under Landlock.
        assertThat(run.message(1)).containsPattern("No such file or directory|Permission denied");
        assertThat(run.message(3)).containsPattern("No such file or directory|Permission denied");
        // bubblewrap shows an empty root with only the workspace in it; Landlock refuses to list it at all.
        assertThat(run.message(5)).containsPattern("workspace|Permission denied").doesNotContain("secret.txt").doesNotContain("inner.txt").doesNotContainPattern("\\sstate\\n");
        assertThat(run.message(6)).endsWith("grep-done\n");
        run.assertNeverSeen(OUTSIDE, INNER);
        assertThat(root.resolve("pwned")).doesNotExist();
        assertThat(root.resolve("pwned-abs")).doesNotExist();
        assertThat(root.resolve("pwned-cd")).doesNotExist();
        assertThat(outdir.resolve("pwned")).doesNotExist();
        assertThat(outdir.resolve("pwned-mkdir")).doesNotExist();
        assertThat(secret).hasContent(OUTSIDE);
        assertThat(outdir.resolve("inner.txt")).hasContent(INNER);
        try (var entries = Files.list(root)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("workspace", "state", "secret.txt", "outdir");
        }
    }

    @Test
    void theStateDirectoryIsInvisibleToShellCommands() throws Exception {
        requireSandbox();
        Path state = fx.stateDir;
        String id = "state-peek";
        List<Probe> probes = List.of(
                shell("ls -la " + state + "; echo ls=$?"),
                shell("cat " + state.resolve("checkpoints").resolve(id).resolve("snapshot.json") + "; echo cat=$?"),
                shell("cat " + state.resolve("checkpoints").resolve(id).resolve("journal.jsonl") + "; echo cat=$?"),
                shell("cat " + state.resolve("audit").resolve("run-" + id + ".jsonl") + "; echo cat=$?"),
                shell("cat " + state.resolve("metrics.json") + "; ls " + state.resolve("checkpoints")),
                shell("echo forged >> " + state.resolve("audit").resolve("run-" + id + ".jsonl") + "; echo '{}' > "
                        + state.resolve("checkpoints").resolve(id).resolve("snapshot.json")),
                shell("find / -name 'journal.jsonl' -o -name 'run-*.jsonl' 2>/dev/null; echo find-done"));

        HostileRun run = HostileRun.run(fx, id, probes);

        for (int i = 0; i < probes.size(); i++) {
            run.assertRan(i);
        }
        assertThat(run.message(0)).containsPattern("No such file or directory|Permission denied").contains("ls=2").doesNotContain("checkpoints");
        for (int i = 1; i <= 3; i++) {
            assertThat(run.message(i)).as("probe %d", i).containsPattern("No such file or directory|Permission denied").contains("cat=1")
                    .doesNotContain("run_id").doesNotContain("probe the sandbox");
        }
        assertThat(run.message(4)).doesNotContain("tools").doesNotContain(id);
        assertThat(run.message(6)).isEqualTo("exit code: 0\nfind-done\n");
        // The state directory itself is intact: the chain verifies (checked by run()) up to run_finished, nothing after it.
        assertThat(run.audit.get(run.audit.size() - 1).path("type").asText()).isEqualTo("run_finished");
        assertThat(fx.snapshot(id).status()).isEqualTo("succeeded");
        // The control: the host does have these files where the commands looked.
        assertThat(state.resolve("checkpoints").resolve(id).resolve("journal.jsonl")).exists();
    }

    @Test
    void deniedFilesAreEmptyOrAbsentInsideTheSandbox() throws Exception {
        requireBubblewrap();
        plantDeniedFiles(ENV, SUB_ENV, "[core]\n\ttoken = " + GIT + "\n");
        fx.vars.put("AGENT_SHELL_SANDBOX", "bwrap");
        List<Probe> probes = List.of(
                shell("cat .env; echo cat=$?"),
                shell("cat sub/.env"),
                shell("cat .git/config; ls -la .git"),
                shell("cp .env x && cat x"),
                shell("ln -s .env y; cat y"),
                shell("ln .env hard 2>&1; cat hard"),
                shell("grep -r SECRET . ; tar cf - .env sub/.env .git 2>/dev/null | tar xOf - 2>/dev/null"),
                shell("umount .env; umount sub/.env; umount .git; cat .env sub/.env .git/config"),
                shell("mv .env moved-env; mv .git moved-git; cat moved-env moved-git/config"),
                shell("echo API_TOKEN=overwritten > .env; echo pwned > .git/config; rm -rf .git; echo done"),
                read("y"),
                read("x"));

        HostileRun run = HostileRun.run(fx, "env-git-shell", probes);

        for (int i = 0; i < probes.size() - 2; i++) {
            run.assertRan(i);
        }
        // .env is masked (bubblewrap binds /dev/null over it on a nodev mount: unreadable, or empty where devices
        // may be opened); .git is readable but mounted read-only (files.readOnly).
        assertThat(run.message(0)).matches("exit code: 0\n(cat: \\.env: Permission denied\ncat=1|cat=0)\n");
        assertThat(run.message(2)).contains("[core]");
        assertThat(run.message(9)).contains("Read-only file system");
        // A link made in the shell still leads to .env, which the file tools refuse by its real name.
        run.assertRefused(10);
        assertThat(run.denials(11)).isEmpty();
        run.assertNeverSeen(ENV, SUB_ENV); // .git/config is readable now; its token is the test's marker, not a secret the policy hides
        // Nothing the commands did reached the real files.
        assertThat(ws.resolve(".env")).hasContent("API_TOKEN=" + ENV);
        assertThat(ws.resolve("sub/.env")).hasContent("DB_PASSWORD=" + SUB_ENV);
        assertThat(ws.resolve(".git/config")).hasContent("[core]\n\ttoken = " + GIT);
        assertThat(ws.resolve("moved-env")).doesNotExist();
        assertThat(ws.resolve("moved-git")).doesNotExist();
    }

    @Test
    void aChildThatOutlivesItsShellCommandIsKilledWithIt() throws Exception {
        requireSandbox();
        assertOrphansDieWithTheirCommand("orphans");
    }
}
