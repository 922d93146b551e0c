package io.devagent.run;

import io.devagent.policy.Policy;
import io.devagent.policy.PolicyLoader;
import io.devagent.run.HostileRun.CountingServer;
import io.devagent.run.HostileRun.Probe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.devagent.run.HostileRun.fetch;
import static io.devagent.run.HostileRun.requireProgram;
import static io.devagent.run.HostileRun.requireSandbox;
import static io.devagent.run.HostileRun.shell;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model that tries to reach the network. The target is an HTTP server on the host's loopback that
 * counts every request: with network off (the default) it must count zero, whatever the client.
 */
@ExtendWith(RunFixtureExtension.class)
class HostileNetworkTest {

    CountingServer target;
    RunFixture fx;

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        this.fx = fx;
        target = new CountingServer();
    }

    @AfterEach
    void tearDown() {
        target.close();
    }

    @Test
    void withNetworkOffHttpFetchIsRefusedForEveryFormOfTheAddress() throws Exception {
        int port = target.port();
        fx.policy = PolicyLoader.effective(Policy.defaults(), fx.env());
        assertThat(fx.policy.network().allowed()).isFalse();
        List<Probe> probes = List.of(
                fetch(target.url("/fetch")),
                fetch("http://localhost:" + port + "/localhost"),
                fetch("HTTP://127.0.0.1:" + port + "/upper"),
                fetch("http://[::ffff:127.0.0.1]:" + port + "/mapped"),
                fetch("http://2130706433:" + port + "/decimal"));

        HostileRun run = HostileRun.run(fx, "fetch-off", probes);

        for (int i = 0; i < probes.size(); i++) {
            run.assertRefused(i);
            assertThat(run.message(i)).contains("network access is off");
        }
        assertThat(target.hits).isEmpty();
    }

    /** A shell client for each way out, each printing {@code <name>=<exit code>} so that the test sees it ran. */
    static String client(String name, String url, int port) {
        return switch (name) {
            case "curl" -> "curl -sS -m 5 " + url + "/curl; echo curl=$?";
            case "wget" -> "wget -q -T 5 -t 1 -O- " + url + "/wget; echo wget=$?";
            case "python3" -> "python3 -c 'import urllib.request; print(urllib.request.urlopen(\"" + url
                    + "/python\", timeout=5).read())'; echo python3=$?";
            case "bash" -> "timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port
                    + " && printf \"GET /bash HTTP/1.0\\r\\n\\r\\n\" >&3 && cat <&3'; echo bash=$?";
            default -> throw new IllegalArgumentException(name);
        };
    }

    static void requireClient(String name) {
        requireSandbox();
        requireProgram(name.equals("bash") ? "/usr/bin/timeout" : "/usr/bin/" + name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"curl", "wget", "python3", "bash"})
    void withNetworkOffShellClientsReachNothing(String name) throws Exception {
        requireClient(name);
        fx.policy = PolicyLoader.effective(Policy.defaults(), fx.env());
        List<Probe> probes = List.of(shell(client(name, target.url(""), target.port())));

        HostileRun run = HostileRun.run(fx, "shell-off-" + name, probes);

        run.assertRan(0);
        // The client ran and failed (not "command not found", which would prove nothing).
        assertThat(run.message(0)).containsPattern(name + "=[1-9][0-9]*\\n$").doesNotContain("command not found")
                .doesNotContain("pong from the host");
        assertThat(target.hits).as("requests that reached the host's loopback server").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"curl", "wget", "python3", "bash"})
    void controlWithNetworkOnTheSameShellClientsDoReachTheServer(String name) throws Exception {
        // Shows that the clients above work, so the zero hits there are the sandbox's doing.
        requireClient(name);
        fx.vars.put("ALLOW_NET", "true");
        fx.policy = PolicyLoader.effective(Policy.defaults(), fx.env());
        assertThat(fx.policy.network().allowed()).isTrue();
        List<Probe> probes = List.of(shell(client(name, target.url(""), target.port())), fetch(target.url("/fetch")));

        HostileRun run = HostileRun.run(fx, "shell-on-" + name, probes);

        run.assertRan(0);
        assertThat(run.message(0)).contains("pong from the host").endsWith(name + "=0\n");
        assertThat(run.message(1)).startsWith("HTTP 200").contains("pong from the host");
        assertThat(target.hits).containsExactlyInAnyOrder("/" + (name.equals("python3") ? "python" : name), "/fetch");
    }

    @Test
    void withNetworkOnHttpFetchIsHeldToAllowHosts() throws Exception {
        int port = target.port();
        fx.vars.put("ALLOW_NET", "true");
        fx.policy = PolicyLoader.effective(new Policy(new Policy.Network(true, List.of("example.invalid")), null, null, null, null, null, null), fx.env());
        assertThat(fx.policy.network().allowed()).isTrue();
        List<Probe> probes = List.of(
                fetch(target.url("/direct")),
                fetch("http://localhost:" + port + "/localhost"),
                fetch("http://example.invalid@127.0.0.1:" + port + "/userinfo"),
                fetch("http://127.0.0.1:" + port + "/query?host=example.invalid"),
                fetch("http://127.0.0.1:" + port + "/fragment#example.invalid"),
                fetch("http://2130706433:" + port + "/decimal"),
                fetch("http://example.invalid.127.0.0.1.nip.io:" + port + "/suffix"),
                // Not a URL Java reads a host from: rejected as bad arguments, before any connection.
                fetch("http://127.0.0.1.:" + port + "/trailing-dot"),
                // The control: the allowed host is not refused (it cannot be resolved, so the fetch fails).
                fetch("http://example.invalid:" + port + "/allowed"));

        HostileRun run = HostileRun.run(fx, "allow-hosts", probes);

        for (int i = 0; i < probes.size() - 2; i++) {
            run.assertRefused(i);
            assertThat(run.message(i)).contains("not in the policy's network.allowHosts");
        }
        assertThat(run.message(probes.size() - 2)).startsWith("error: only http:// and https:// URLs with a host");
        int last = probes.size() - 1;
        assertThat(run.denials(last)).isEmpty();
        assertThat(run.message(last)).startsWith("error: cannot fetch");
        assertThat(target.hits).isEmpty();
    }
}
