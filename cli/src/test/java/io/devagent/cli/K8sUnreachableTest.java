package io.devagent.cli;

import io.devagent.testkit.ScriptedModelServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent --k8s ...} when the cluster cannot be reached: exit 3 and one clear line, wherever --k8s is typed. */
class K8sUnreachableTest {

    @TempDir
    Path root;
    ScriptedModelServer server;
    CliFixture fx;
    String deadUrl;

    @BeforeEach
    void setUp() throws Exception {
        server = ScriptedModelServer.start();
        fx = new CliFixture(root, server);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        deadUrl = "https://127.0.0.1:" + port;
        Path kubeconfig = root.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                current-context: gone
                clusters:
                - name: gone
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: someone
                  user: {token: not-a-real-token}
                contexts:
                - name: gone
                  context: {cluster: gone, user: someone, namespace: agents}
                """.formatted(deadUrl));
        fx.vars.put("KUBECONFIG", kubeconfig.toString());
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void everyK8sCommandExitsThreeWithOneLine() {
        for (String[] args : new String[][] {
                {"--k8s", "run", "Summarize repo", "--model-url", "http://llm:1234/v1"},
                {"run", "--k8s", "Summarize repo", "--model-url", "http://llm:1234/v1"},
                {"--k8s", "checkpoints", "list"},
                {"checkpoints", "show", "--k8s", "run-1"},
                {"--k8s", "--namespace", "other", "checkpoints", "resume", "run-1"},
                {"--k8s", "policies", "reload", "strict"},
                {"--k8s", "--context", "gone", "policies", "show"}}) {
            CliFixture.Outcome outcome = fx.agent(args);

            assertThat(outcome.exit()).as(String.join(" ", args)).isEqualTo(3);
            assertThat(outcome.err().lines().toList()).as(String.join(" ", args)).hasSize(1);
            assertThat(outcome.err()).startsWith("error: cannot reach the Kubernetes cluster at " + deadUrl)
                    .contains("connection refused").doesNotContain("Exception").doesNotContain("not-a-real-token");
        }
    }

    @Test
    void noClusterConfiguredAtAllExitsThreeWithOneLine() {
        fx.vars.put("KUBECONFIG", root.resolve("none").toString());

        CliFixture.Outcome outcome = fx.agent("--k8s", "checkpoints", "list");

        assertThat(outcome.exit()).isEqualTo(3);
        assertThat(outcome.err()).isEqualTo("error: no cluster is configured: no kubeconfig at " + root.resolve("none")
                + " (KUBECONFIG), not in a pod, and no KUBERNETES_MASTER\n");
    }

    @Test
    void anUnknownContextIsBadUsage() {
        CliFixture.Outcome outcome = fx.agent("--k8s", "--context", "nowhere", "checkpoints", "list");

        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("error: there is no context 'nowhere' in ");
    }

    @Test
    void aK8sRunWithoutAModelUrlLeavesTheModelToTheOperatorsDefault() {
        fx.vars.remove("LLM_BASE_URL");

        CliFixture.Outcome outcome = fx.agent("--k8s", "run", "Summarize repo");

        // Not refused here: the AgentRun goes to the cluster (unreachable in this test) with no spec.model.
        assertThat(outcome.exit()).isEqualTo(3);
        assertThat(outcome.err()).contains("cannot reach the Kubernetes cluster");
    }

    @Test
    void agentRunOptionsWithoutK8sAreBadUsage() {
        CliFixture.Outcome outcome = fx.agent("run", "Summarize repo", "--policy", "strict");

        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err()).contains("go with --k8s");
    }
}
