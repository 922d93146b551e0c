package io.devagent.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.cli.Main;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.policy.Policy;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent --k8s ...} against the mock API server with the operator running (no kubelet: pods stay pending). */
class K8sCliTest extends OperatorTestBase {

    @TempDir
    Path root;
    Path kubeconfig;

    @BeforeEach
    void kubeconfig() throws Exception {
        kubeconfig = writeKubeconfig(root);
    }

    record Outcome(int exit, String out, String err) {
    }

    Outcome agent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new Environment(Map.of("KUBECONFIG", kubeconfig.toString(), "HOME", root.toString())),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void runDetachedCreatesTheAgentRunFromTheOptions() {
        Outcome created = agent("--k8s", "run", "Fix the build", "--detach", "--run-id", "fix-build",
                "--model-url", "http://llm.models:1234/v1", "--model", "qwen", "--api-key-secret", "llm/api-key",
                "--policy", "strict", "--git", "https://example.com/repo.git", "--git-ref", "main", "--max-steps", "12",
                "--storage", "5Gi", "--image", "registry.example/dev-agent:1");

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("run_id: fix-build\n");
        AgentRunSpec spec = run("fix-build").get().getSpec();
        assertThat(spec.goal()).isEqualTo("Fix the build");
        assertThat(spec.model()).isEqualTo(new AgentRunSpec.Model("http://llm.models:1234/v1", "qwen", new AgentRunSpec.SecretKeyRef("llm", "api-key")));
        assertThat(spec.policyRef()).isEqualTo("strict");
        assertThat(spec.workspace().git()).isEqualTo(new AgentRunSpec.Git("https://example.com/repo.git", "main"));
        assertThat(spec.maxSteps()).isEqualTo(12);
        assertThat(spec.storage().size()).isEqualTo("5Gi");
        assertThat(spec.image()).isEqualTo("registry.example/dev-agent:1");
    }

    @Test
    void listShowAndNamespacesReadTheAgentRuns() throws Exception {
        create("first", spec("List me"));
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-b").endMetadata().build()).create();
        client.resource(new AgentRun("team-b", "elsewhere", spec("Somewhere else"))).create();
        await(run("first"), "Pending", r -> "Pending".equals(phase(r)));

        Outcome list = agent("--k8s", "checkpoints", "list");
        Outcome other = agent("--k8s", "--namespace", "team-b", "checkpoints", "list", "--json");
        Outcome viaContext = agent("--k8s", "--context", "other", "checkpoints", "list", "--json");
        Outcome show = agent("--k8s", "checkpoints", "show", "first");
        Outcome missing = agent("--k8s", "checkpoints", "show", "nope");

        assertThat(list.exit()).isZero();
        assertThat(list.out().lines().toList()).hasSize(2);
        assertThat(list.out()).startsWith("RUN_ID").contains("first").contains("Pending").contains("List me").doesNotContain("elsewhere");
        assertThat(Json.parse(other.out()).findValuesAsText("run_id")).containsExactly("elsewhere");
        assertThat(Json.parse(viaContext.out()).findValuesAsText("run_id")).containsExactly("elsewhere");
        JsonNode shown = Json.parse(show.out());
        assertThat(shown.path("spec").path("goal").asText()).isEqualTo("List me");
        assertThat(shown.path("status").path("phase").asText()).isEqualTo("Pending");
        assertThat(shown.path("metadata").has("managedFields")).isFalse();
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: no AgentRun 'nope' in namespace agents\n");
    }

    @Test
    void aReloadOfAnInvalidPolicyIsRejectedAndAValidOneShown() {
        createPolicy("bad", new Policy(null, null, null, new Policy.Shell(null, null, 0), null, null, null));
        createPolicy("good", new Policy(new Policy.Network(false, null), null, null, null, null, null, null));

        Outcome rejected = agent("--k8s", "policies", "reload", "bad");
        Outcome shown = agent("--k8s", "policies", "show", "good");
        Outcome none = agent("--k8s", "policies", "reload", "absent");

        assertThat(rejected.exit()).isEqualTo(1);
        assertThat(rejected.err()).startsWith("rejected: policy bad: ").contains("field 'shell.timeoutSeconds': must be at least 1");
        assertThat(shown.exit()).isZero();
        assertThat(shown.out()).startsWith("# Policy agents/good, version ").contains("\"timeoutSeconds\" : 60");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("error: no Policy 'absent' in namespace agents\n");
    }

    @Test
    void pauseSuspendsTheAgentRunAndResumeUnsuspendsIt() throws Exception {
        create("pausable", spec("Pause me"));
        await(pod("pausable-0"), "the pod", p -> true);

        Outcome paused = agent("--k8s", "checkpoints", "pause", "pausable");
        Outcome again = agent("--k8s", "checkpoints", "pause", "pausable", "--json");
        Outcome missing = agent("--k8s", "checkpoints", "pause", "nope");
        Outcome cancel = agent("--k8s", "cancel", "pausable");

        assertThat(paused.exit()).as(paused.err()).isZero();
        assertThat(paused.out()).startsWith("run pausable paused").contains("agent --k8s checkpoints resume pausable");
        assertThat(run("pausable").get().suspended()).isTrue();
        await(run("pausable"), "Suspended", r -> "Suspended".equals(phase(r)));
        awaitGone(pod("pausable-0"), "the paused run's pod");
        assertThat(again.exit()).isZero();
        assertThat(Json.parse(again.out()).path("status").asText()).isEqualTo("paused");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: no AgentRun 'nope' in namespace agents\n");
        assertThat(cancel.exit()).isEqualTo(2);
        assertThat(cancel.err()).contains("agent --k8s checkpoints pause pausable");
        assertThat(run("pausable").get().suspended()).isTrue();
    }

    @Test
    void aSucceededRunCannotBeResumed() {
        create("finished", spec("Done already"));
        await(pod("finished-0"), "the pod", p -> true);
        var pod = pod("finished-0").get();
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Succeeded").build());
        client.pods().inNamespace(NS).resource(pod).updateStatus();
        await(run("finished"), "Succeeded", r -> "Succeeded".equals(phase(r)));

        Outcome resume = agent("--k8s", "checkpoints", "resume", "finished");

        assertThat(resume.exit()).isEqualTo(1);
        assertThat(resume.err()).isEqualTo("error: run finished has already finished (succeeded); there is nothing to resume\n");
    }
}
