package io.devagent.run;

import io.devagent.run.HostileRun.Probe;
import io.devagent.testkit.Processes;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.devagent.run.HostileRun.eventually;
import static io.devagent.run.HostileRun.shell;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile suites' ground, laid by each suite's {@code @BeforeEach}: a run fixture, beside its
 * workspace a secret file and a secret directory linked to from inside it, and where a suite wants
 * them the files the default policy denies ({@code .env}, {@code sub/.env}, {@code .git/config}).
 * Each suite has its own secrets, so that a leak is traced to its suite.
 */
@ExtendWith(RunFixtureExtension.class)
abstract class HostileSuite {

    RunFixture fx;
    /** Holds the workspace, the state directory, {@code secret.txt} and {@code outdir}. */
    Path root;
    Path ws;
    /** {@code secret.txt} beside the workspace; {@code link-to-secret} in the workspace leads to it. */
    Path secret;
    /** {@code outdir} beside the workspace, holding {@code inner.txt}; {@code link-to-outdir} leads to it. */
    Path outdir;

    /** The secret file and directory beside the workspace, their links, and {@code inside.txt}, the control. */
    void ground(RunFixture fx, String outside, String inner) throws IOException {
        this.fx = fx;
        root = fx.root;
        ws = fx.workspace;
        secret = Files.writeString(root.resolve("secret.txt"), outside + "\n");
        outdir = Files.createDirectories(root.resolve("outdir"));
        Files.writeString(outdir.resolve("inner.txt"), inner + "\n");
        Files.writeString(ws.resolve("inside.txt"), "inside content\n");
        Files.createSymbolicLink(ws.resolve("link-to-secret"), secret);
        Files.createSymbolicLink(ws.resolve("link-to-outdir"), outdir);
    }

    /** The files the default policy denies, each holding its secret; {@code gitConfig} is the whole of {@code .git/config}. */
    void plantDeniedFiles(String env, String subEnv, String gitConfig) throws IOException {
        Files.createDirectories(ws.resolve("sub"));
        Files.writeString(ws.resolve(".env"), "API_TOKEN=" + env + "\n");
        Files.writeString(ws.resolve("sub/.env"), "DB_PASSWORD=" + subEnv + "\n");
        Files.createDirectories(ws.resolve(".git/hooks"));
        Files.writeString(ws.resolve(".git/config"), gitConfig);
    }

    /** A {@code .git/config} whose remote URL carries the secret, as a leaked token would be. */
    static String gitConfigWithToken(String secret) {
        return "[remote \"origin\"]\n\turl = https://user:" + secret + "@example.invalid/r.git\n";
    }

    /**
     * Leaves children behind every way out of the command's process tree (disowned, nohup, setsid, a
     * double fork), each to write a late file, and checks that every one died with its command. Their
     * command lines carry a tag, so the test waits for them to be gone, not for the time they would take.
     */
    void assertOrphansDieWithTheirCommand(String runId) throws Exception {
        String tag = "2.0" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
        List<Probe> probes = List.of(
                shell("(sleep " + tag + "; echo late > late.txt) & disown; echo started"),
                shell("nohup bash -c 'sleep " + tag + "; echo late > late-nohup.txt' >/dev/null 2>&1 & echo started"),
                shell("setsid bash -c 'sleep " + tag + "; echo late > late-setsid.txt' </dev/null >/dev/null 2>&1 & echo started"),
                shell("( (sleep " + tag + "; echo late > late-double.txt) & ) ; echo started"));

        HostileRun run = HostileRun.run(fx, runId, probes);

        for (int i = 0; i < probes.size(); i++) {
            run.assertRan(i);
            assertThat(run.message(i)).isEqualTo("exit code: 0\nstarted\n");
        }
        assertThat(eventually(ws, Duration.ofSeconds(5), () -> Processes.withCommandLine(tag).isEmpty()))
                .as("children left: %s", Processes.withCommandLine(tag)).isTrue();
        // With every child gone, a late file is there already or never will be.
        for (String late : List.of("late.txt", "late-nohup.txt", "late-setsid.txt", "late-double.txt")) {
            assertThat(ws.resolve(late)).doesNotExist();
        }
    }
}
