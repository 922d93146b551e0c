package io.devagent.run;

import io.devagent.policy.Policy;
import io.devagent.policy.PolicyLoader;
import io.devagent.run.HostileRun.CountingServer;
import io.devagent.run.HostileRun.Probe;
import io.devagent.testkit.Prerequisite;
import io.devagent.tool.ShellSandbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.devagent.run.HostileRun.requireProgram;
import static io.devagent.run.HostileRun.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The hostile shell probes against the Landlock and seccomp sandbox alone ({@code AGENT_SHELL_SANDBOX=landlock}:
 * bubblewrap is never tried), as in a container or a restricted pod where bubblewrap cannot start.
 */
class HostileLandlockShellTest extends HostileSuite {

    static final String OUTSIDE = "OUTSIDE-SECRET-77aa";
    static final String INNER = "OUTSIDE-DIR-SECRET-c3e9";

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        requireLandlock();
        ground(fx, OUTSIDE, INNER);
        fx.vars.put("AGENT_SHELL_SANDBOX", "landlock");
        fx.policy = PolicyLoader.effective(Policy.defaults(), fx.env());
    }

    /** Skips when this kernel has no usable Landlock, except in CI, where it must. */
    static void requireLandlock() {
        Prerequisite.require("a usable Landlock", ShellSandbox.landlockProblem());
    }

    @Test
    void escapesByPathSymlinkAndDotDotAndReadsOfTheStateDirectoryFail() throws Exception {
        Path state = fx.stateDir;
        List<Probe> probes = List.of(
                shell("cat inside.txt; echo made > made.txt; mkdir -p target/classes && echo c > target/classes/A.class && cat target/classes/A.class"),
                shell("cat ../secret.txt; echo cat=$?"),
                shell("cat link-to-secret; echo cat=$?"),
                shell("cd .. && ls; echo ls=$?; echo x > ../pwned; echo x > " + root.resolve("pwned-abs") + "; echo x > link-to-secret"),
                shell("ls " + state + "; echo ls=$?; cat " + state.resolve("checkpoints").resolve("ll-state").resolve("journal.jsonl") + "; echo cat=$?"),
                shell("echo forged >> " + state.resolve("audit").resolve("run-ll-state.jsonl") + "; echo w=$?; truncate -s 0 "
                        + state.resolve("audit").resolve("run-ll-state.jsonl") + "; echo t=$?"),
                shell("cat /etc/shadow; echo shadow=$?; ls /root /home; echo home=$?; cat /etc/hostname >/dev/null; echo etc=$?"),
                shell("echo $HOME $TMPDIR; echo tmp > $TMPDIR/t && cat $TMPDIR/t; ls /tmp; echo tmp=$?"));

        HostileRun run = HostileRun.run(fx, "ll-state", probes);

        for (int i = 0; i < probes.size(); i++) {
            run.assertRan(i);
        }
        // The control: the workspace is readable and writable, new directories included.
        assertThat(run.message(0)).isEqualTo("exit code: 0\ninside content\nc\n");
        assertThat(ws.resolve("made.txt")).hasContent("made");
        assertThat(run.message(1)).contains("Permission denied").contains("cat=1");
        assertThat(run.message(2)).contains("Permission denied").contains("cat=1");
        assertThat(run.message(3)).contains("ls=2");
        assertThat(run.message(4)).contains("ls=2").contains("cat=1").doesNotContain("run_id");
        assertThat(run.message(5)).contains("w=1").contains("t=1");
        assertThat(run.message(6)).contains("shadow=1").contains("home=2").contains("etc=0").doesNotContain("root:");
        assertThat(run.message(7)).contains("tmp\n").contains("tmp=2");
        run.assertNeverSeen(OUTSIDE, INNER);
        assertThat(root.resolve("pwned")).doesNotExist();
        assertThat(root.resolve("pwned-abs")).doesNotExist();
        assertThat(secret).hasContent(OUTSIDE);
        // The state directory is intact: the chain verifies (checked by run()) up to run_finished.
        assertThat(run.audit.get(run.audit.size() - 1).path("type").asText()).isEqualTo("run_finished");
    }

    @Test
    void aBuildAndItsTestsRunInTheWorkspaceWithNetworkOff() throws Exception {
        requireProgram("/usr/bin/python3");
        // As the runtime passes its own: the build finds the JDK on the PATH.
        fx.vars.put("PATH", System.getenv("PATH"));
        Files.writeString(ws.resolve("Calc.java"), "public class Calc { static int add(int a, int b) { return a + b; } }\n");
        Files.writeString(ws.resolve("CalcTest.java"), """
                public class CalcTest {
                    public static void main(String[] args) {
                        if (Calc.add(2, 3) != 5) throw new AssertionError("add");
                        System.out.println("calc tests passed");
                    }
                }
                """);
        Files.writeString(ws.resolve("test_calc.py"), "import unittest\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(2 + 3, 5)\n");
        List<Probe> probes = List.of(
                shell("javac -d out Calc.java CalcTest.java && java -cp out CalcTest; echo java=$?"),
                shell("python3 -m unittest -q test_calc 2>&1; echo python=$?"));

        HostileRun run = HostileRun.run(fx, "ll-build", probes);

        run.assertRan(0);
        assertThat(run.message(0)).contains("calc tests passed").endsWith("java=0\n");
        assertThat(ws.resolve("out/Calc.class")).exists();
        assertThat(run.message(1)).contains("OK").endsWith("python=0\n");
    }

    @Test
    void withNetworkOffNoClientReachesTheHostAndNoIpSocketOpens() throws Exception {
        requireProgram("/usr/bin/curl");
        requireProgram("/usr/bin/python3");
        try (CountingServer target = new CountingServer()) {
            List<Probe> probes = List.of(
                    shell(HostileNetworkTest.client("curl", target.url(""), target.port())),
                    shell(HostileNetworkTest.client("bash", target.url(""), target.port())),
                    shell("python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)'; echo udp=$?; "
                            + "python3 -c 'import socket; socket.socket(socket.AF_UNIX)'; echo unix=$?; "
                            + "python3 -c 'import socket; a, b = socket.socketpair(); a.send(b\"p\"); print(b.recv(1))'; echo pair=$?"));

            HostileRun run = HostileRun.run(fx, "ll-net-off", probes);

            for (int i = 0; i < probes.size(); i++) {
                run.assertRan(i);
            }
            assertThat(run.message(0)).containsPattern("curl=[1-9][0-9]*\\n$");
            assertThat(run.message(1)).containsPattern("bash=[1-9][0-9]*\\n$");
            assertThat(run.message(2)).contains("udp=1").contains("unix=1").contains("b'p'\npair=0");
            assertThat(target.hits).isEmpty();
        }
    }

    @Test
    void withAllowHostsTheShellReachesAnAllowedServerThroughTheProxyAndNotADeniedOne() throws Exception {
        requireProgram("/usr/bin/curl");
        assumeTrue(io.devagent.sandbox.LandlockLauncher.problem(io.devagent.sandbox.SeccompProgram.Sockets.TCP_AND_UNIX).isEmpty(),
                "this kernel's Landlock has no TCP rules");
        try (CountingServer allowed = new CountingServer(); CountingServer denied = new CountingServer()) {
            fx.vars.put("ALLOW_NET", "true");
            fx.policy = PolicyLoader.effective(new Policy(new Policy.Network(true, List.of("localhost")), null, null, null, null, null, null), fx.env());
            List<Probe> probes = List.of(
                    shell("curl -fsS -m 5 http://localhost:" + allowed.port() + "/via-proxy; echo curl=$?"),
                    shell("curl -fsS -m 5 http://127.0.0.1:" + denied.port() + "/denied-host; echo curl=$?"),
                    shell("curl -fsS -m 5 --noproxy '*' http://127.0.0.1:" + denied.port() + "/direct; echo curl=$?; "
                            + HostileNetworkTest.client("bash", denied.url(""), denied.port())));

            HostileRun run = HostileRun.run(fx, "ll-proxy", probes);

            for (int i = 0; i < probes.size(); i++) {
                run.assertRan(i);
            }
            assertThat(run.message(0)).contains("pong from the host").contains("curl=0").contains("[egress allowed: localhost:" + allowed.port() + "]");
            assertThat(run.message(1)).containsPattern("curl=[1-9]").contains("[egress refused (not in network.allowHosts): 127.0.0.1:" + denied.port() + "]");
            // Around the proxy: Landlock refuses the connection itself.
            assertThat(run.message(2)).containsPattern("curl=[1-9]").containsPattern("bash=[1-9]").doesNotContain("egress");
            assertThat(allowed.hits).containsExactly("/via-proxy");
            assertThat(denied.hits).isEmpty();
            // The audit records each connection with the call's result.
            assertThat(run.auditText).contains("egress allowed: localhost:" + allowed.port()).contains("egress refused");
        }
    }

    @Test
    void aChildThatLeavesTheTreeDiesWithTheCommand() throws Exception {
        assertOrphansDieWithTheirCommand("ll-orphans");
    }

    @Test
    void aWorkspaceWithDeniedFilesIsRefusedWithTheReasonRatherThanExposed() throws Exception {
        Files.writeString(ws.resolve(".env"), "API_TOKEN=" + OUTSIDE + "\n");
        List<Probe> probes = List.of(shell("cat .env"));

        HostileRun run = HostileRun.run(fx, "ll-denied", probes);

        run.assertRefused(0);
        assertThat(run.message(0)).contains("paths the policy denies (.env)").contains("which Landlock cannot hide inside the workspace");
        run.assertNeverSeen(OUTSIDE);
    }
}
