package io.devagent.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.operator.config.DefaultModel;
import io.devagent.operator.config.OperatorConfig;
import io.devagent.cli.Main;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.policy.Policy;
import io.devagent.testkit.GitHttpServer;
import io.devagent.testkit.GitRepos;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path on the mock API server: the operator creates a run's pod, a local "kubelet" runs
 * the pod's {@code agent} command as a real process (its volume a directory, its model a scripted
 * server) and reports the pod's phase back, and the runtime in that process reports its progress
 * and answer into the AgentRun's status.
 */
class KubeletEndToEndTest extends OperatorTestBase {

    @TempDir
    Path root;
    /** Started with the test instance, before the operator: it is also the operator's default model. */
    final ScriptedModelServer model = ScriptedModelServer.start().selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS);
    LocalKubelet kubelet;
    Path kubeconfig;

    @BeforeEach
    void startKubelet() throws IOException {
        Map<String, String> env = new HashMap<>();
        // The runtime finds the API server as it would in a cluster, here through the environment.
        env.put("KUBERNETES_MASTER", client.getConfiguration().getMasterUrl());
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("LLM_RETRY_BASE_MS", "10");
        env.put("LLM_MAX_RETRIES", "1");
        kubelet = new LocalKubelet(client, NS, Files.createDirectories(root.resolve("node")), env);
        kubeconfig = writeKubeconfig(root);
    }

    @AfterEach
    void stopKubelet() {
        kubelet.close();
        model.close();
    }

    /** The operator's default model (the chart's model values) is the scripted server, for AgentRuns that name none. */
    @Override
    OperatorConfig config() {
        return super.config().withDefaultModel(new DefaultModel(model.baseUrl(), "scripted-model", null, null));
    }

    /** {@code agent --k8s ...} in this JVM, with the kubeconfig that points at the mock. */
    Outcome agent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> vars = new HashMap<>();
        vars.put("KUBECONFIG", kubeconfig.toString());
        vars.put("HOME", root.toString());
        int exit = Main.run(args, new Environment(vars), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(exit, out.toString(), err.toString());
    }

    record Outcome(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    /** A git repository to clone, as spec.workspace.git points at one. */
    Path repository() throws Exception {
        Path repo = Files.createDirectories(root.resolve("origin"));
        Files.writeString(repo.resolve("README.md"), "# Demo\nHello from the repository.\n");
        for (List<String> command : List.of(List.of("git", "init", "-q", "-b", "main"), List.of("git", "add", "README.md"),
                List.of("git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "init"))) {
            Process git = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
            assertThat(git.waitFor()).as(String.join(" ", command) + ": " + new String(git.getInputStream().readAllBytes())).isZero();
        }
        return repo;
    }

    /** Records every phase the AgentRun's status shows. */
    List<String> recordPhases(String name) {
        List<String> phases = new CopyOnWriteArrayList<>();
        SharedIndexInformer<AgentRun> informer = client.resources(AgentRun.class).inNamespace(NS).withName(name)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(AgentRun run) {
                        record(run);
                    }

                    @Override
                    public void onUpdate(AgentRun old, AgentRun run) {
                        record(run);
                    }

                    @Override
                    public void onDelete(AgentRun run, boolean unknownFinalState) {
                    }

                    private void record(AgentRun run) {
                        String phase = phase(run);
                        if (phase != null && (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase))) {
                            phases.add(phase);
                        }
                    }
                });
        informers.add(informer);
        return phases;
    }

    final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    @AfterEach
    void stopInformers() {
        informers.forEach(SharedIndexInformer::close);
    }

    @Test
    void anAgentRunGoesFromPendingToSucceededWithTheAnswerInItsStatus() throws Exception {
        model.script(Reply.toolCall("read_file", "{\"path\":\"README.md\"}"), Reply.text("The repository says hello."));
        Path repo = repository();
        List<String> phases = recordPhases("hello");

        // The user's side: agent --k8s run creates the AgentRun and follows it to its end.
        Outcome run = agent("--k8s", "run", "Summarize repo", "--run-id", "hello", "--model-url", model.baseUrl(),
                "--model", "scripted-model", "--git", repo.toUri().toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.lines().get(0)).isEqualTo("run_id: hello");
        assertThat(run("hello").get().getStatus().getAnswer()).as("status %s; the pod's output: %s",
                Json.write(run("hello").get().getStatus()), Files.readString(kubelet.log("hello-0"))).isNotNull();
        assertThat(run.lines().get(run.lines().size() - 1)).isEqualTo("The repository says hello.");

        AgentRun done = run("hello").get();
        AgentRunStatus status = done.getStatus();
        assertThat(status.getPhase()).isEqualTo("Succeeded");
        assertThat(status.getAnswer()).isEqualTo("The repository says hello.");
        assertThat(status.getRunId()).isEqualTo("hello");
        assertThat(status.getCurrentStep()).isEqualTo(2);
        assertThat(status.getTokens()).isPositive();
        assertThat(status.getPodName()).isEqualTo("hello-0");
        assertThat(status.condition("Ready").orElseThrow().getStatus()).isEqualTo("True");
        poll("the phases Pending, then Succeeded", () -> List.copyOf(phases), p -> p.contains("Succeeded"));
        assertThat(phases).startsWith("Pending").endsWith("Succeeded");

        // The model read the cloned workspace; the run's state is on its volume, as the CLI left it.
        JsonNode secondRequest = model.requests().get(1).path("messages");
        assertThat(secondRequest.toString()).contains("Hello from the repository.");
        Path volume = kubelet.volume("hello-state");
        assertThat(volume.resolve("workspace/README.md")).exists();
        JsonNode snapshot = Json.parse(Files.readString(volume.resolve("state/checkpoints/hello/snapshot.json")));
        assertThat(snapshot.path("status").asText()).isEqualTo("succeeded");
        Pod pod = pod("hello-0").get();
        assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");

        // And it lists like a local run.
        Outcome list = agent("--k8s", "checkpoints", "list", "--json");
        assertThat(list.exit()).isZero();
        JsonNode listed = Json.parse(list.out()).get(0);
        assertThat(listed.path("run_id").asText()).isEqualTo("hello");
        assertThat(listed.path("status").asText()).isEqualTo("succeeded");
        assertThat(listed.path("current_step").asInt()).isEqualTo(2);
    }

    /**
     * Starts a run whose step 1 writes notes.md and whose step 2 waits on the model until its pod is
     * stopped (a replacement pod's request is answered with {@code answer}); returns once step 2 waits.
     */
    private void startWaitingInStepTwo(String name, String answer) throws Exception {
        model.script(
                Reply.toolCall("write_file", "{\"path\":\"notes.md\",\"content\":\"draft\\n\"}"),
                Reply.firstThen(1, Reply.delayed(120_000, Reply.text("never seen")), Reply.text(answer)));
        create(name, scripted("Write notes", null));
        poll("the second model request", model::chatRequestCount, n -> n >= 2);
    }

    @Test
    void aPodKilledMidRunIsReplacedAndTheRunFinishesFromItsCheckpoint() throws Exception {
        startWaitingInStepTwo("durable", "Finished from the checkpoint.");
        // Step 1 is committed (its write is on the volume, its progress in the status) and step 2 waits on the model.
        await(run("durable"), "step 1 reported by the runtime", r -> r.getStatus() != null
                && r.getStatus().getCurrentStep() != null && r.getStatus().getCurrentStep() >= 1);
        assertThat(kubelet.volume("durable-state").resolve("workspace/notes.md")).hasContent("draft");
        poll("the first pod's process", () -> kubelet.running("durable-0"), Boolean::booleanValue);

        kubelet.crash("durable-0");

        AgentRun done = await(run("durable"), "Succeeded after the replacement", r -> "Succeeded".equals(phase(r)));
        assertThat(done.getStatus().getAnswer()).isEqualTo("Finished from the checkpoint.");
        assertThat(done.getStatus().getRestarts()).isEqualTo(1);
        assertThat(done.getStatus().getPodName()).isEqualTo("durable-1");
        assertThat(done.getStatus().getCurrentStep()).isEqualTo(2);
        Pod killed = pod("durable-0").get();
        assertThat(killed.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(killed.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isEqualTo(137);

        // From the checkpoint: step 1 was not asked for again nor its write redone; the model saw its result.
        assertThat(model.chatRequestCount()).isEqualTo(3);
        JsonNode resumedRequest = model.requests().get(2).path("messages");
        assertThat(resumedRequest.toString()).contains("write_file").contains("notes.md");
        Path state = kubelet.volume("durable-state").resolve("state");
        List<String> audit = Files.readAllLines(state.resolve("audit/run-durable.jsonl"));
        assertThat(audit.stream().map(line -> parse(line).path("type").asText()))
                .containsSubsequence("run_started", "tool_call", "run_resumed", "run_finished");
        assertThat(audit.stream().map(KubeletEndToEndTest::parse).filter(e -> e.path("type").asText().equals("tool_call")
                && e.path("data").toString().contains("write_file"))).hasSize(1);
        assertThat(Files.readString(kubelet.log("durable-1"))).contains("run_id: durable");
    }

    @Test
    void anAgentRunThatNamesNoModelRunsWithTheOperatorsDefault() throws Exception {
        model.script(Reply.text("Answered by the default model."));

        create("defaulted", new AgentRunSpec("Say hello", null, null, null, null, null, null, null));

        AgentRun done = await(run("defaulted"), "Succeeded with the default model", r -> "Succeeded".equals(phase(r)));
        assertThat(done.getStatus().getAnswer()).isEqualTo("Answered by the default model.");
        var env = pod("defaulted-0").get().getSpec().getContainers().get(0).getEnv();
        assertThat(env).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("LLM_BASE_URL");
            assertThat(e.getValue()).isEqualTo(model.baseUrl());
        });
        assertThat(env).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("LLM_MODEL");
            assertThat(e.getValue()).isEqualTo("scripted-model");
        });
    }

    @Test
    void aFailedAgentRunIsRetriedFromItsCheckpoint() throws Exception {
        model.script(
                Reply.toolCall("write_file", "{\"path\":\"notes.md\",\"content\":\"draft\\n\"}"),
                // The model refuses the second step once: the run fails; the retry's request is answered.
                Reply.firstThen(1, Reply.status(422, null), Reply.text("Done on the retry.")));
        create("retried", scripted("Write notes", null));
        AgentRun failed = await(run("retried"), "Failed", r -> "Failed".equals(phase(r)));
        assertThat(failed.getStatus().getMessage()).contains("HTTP 422");

        Outcome resume = agent("--k8s", "checkpoints", "resume", "retried");

        assertThat(resume.exit()).as(resume.err()).isZero();
        assertThat(resume.err()).contains("retrying failed AgentRun " + NS + "/retried (spec.retry 1)");
        AgentRun done = run("retried").get();
        assertThat(done.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(done.getStatus().getAnswer()).isEqualTo("Done on the retry.");
        assertThat(done.getSpec().retry()).isEqualTo(1);
        assertThat(done.getStatus().getObservedRetry()).isEqualTo(1);
        assertThat(done.getStatus().getPodName()).isEqualTo("retried-1");
        // From its checkpoint: step 1's write was not done again.
        List<String> audit = Files.readAllLines(kubelet.volume("retried-state").resolve("state/audit/run-retried.jsonl"));
        assertThat(audit.stream().map(KubeletEndToEndTest::parse).filter(e -> e.path("type").asText().equals("tool_call")
                && e.path("data").toString().contains("write_file"))).hasSize(1);
        assertThat(audit.stream().map(line -> parse(line).path("type").asText()))
                .containsSubsequence("run_started", "run_finished", "run_resumed", "run_finished");
    }

    @Test
    void aSuspendedRunPausesAtACheckpointAndResumeFinishesIt() throws Exception {
        startWaitingInStepTwo("pausable", "Resumed and done.");
        poll("the pod's process", () -> kubelet.running("pausable-0"), Boolean::booleanValue);

        replaceSpec(run("pausable"), AgentRunReconcilerTest.withSuspend(run("pausable").get().getSpec(), true));

        // The operator deletes the pod; the kubelet's SIGTERM pauses the run at a checkpoint (exit 143).
        AgentRun suspended = await(run("pausable"), "Suspended with the pod gone",
                r -> "Suspended".equals(phase(r)) && r.getStatus().getPodName() == null);
        assertThat(poll("the paused process's exit", () -> kubelet.exitCode("pausable-0"), Objects::nonNull)).isEqualTo(143);
        JsonNode snapshot = Json.parse(Files.readString(kubelet.volume("pausable-state").resolve("state/checkpoints/pausable/snapshot.json")));
        assertThat(snapshot.path("status").asText()).isEqualTo("paused");
        assertThat(snapshot.path("current_step").asInt()).isEqualTo(1);
        assertThat(suspended.getStatus().getMessage()).contains("suspended at its last checkpoint");
        AgentRun reported = await(run("pausable"), "the runtime's report of the pause", r -> "paused".equals(r.getStatus().getActivity()));
        assertThat(reported.getStatus().getCurrentStep()).isEqualTo(1);

        Outcome resume = agent("--k8s", "checkpoints", "resume", "pausable");

        assertThat(resume.exit()).as(resume.err()).isZero();
        assertThat(resume.lines()).first().isEqualTo("run_id: pausable");
        assertThat(resume.lines()).last().isEqualTo("Resumed and done.");
        AgentRun done = run("pausable").get();
        assertThat(done.getSpec().suspend()).isFalse();
        assertThat(done.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(done.getStatus().getRestarts()).isNull();
        assertThat(model.chatRequestCount()).isEqualTo(3);
        assertThat(Files.readString(kubelet.log("pausable-0"))).contains("resumed pausable");
    }

    @Test
    void aRunningPodReloadsAPolicyChangeFromItsMountedFile() throws Exception {
        createPolicy("team", new Policy(null, null, null, null, new Policy.Limits(30, null, null), null, null));
        model.script(Reply.delayed(120_000, Reply.text("never seen")));
        create("governed", scripted("Wait for the model", "team"));
        poll("the first model request", model::chatRequestCount, n -> n >= 1);
        Path audit = kubelet.volume("governed-state").resolve("state/audit/run-governed.jsonl");

        replaceSpec(client.resources(io.devagent.k8s.api.PolicyResource.class).inNamespace(NS).withName("team"),
                new Policy(null, new Policy.Tools(null, List.of("run_shell")), null, null, new Policy.Limits(25, null, null), null, null));
        Outcome reload = agent("--k8s", "policies", "reload", "team");

        assertThat(reload.exit()).as(reload.err()).isZero();
        assertThat(reload.out()).startsWith("reloaded: policy team version ").contains("rendered into 1 run");
        String version = run("governed").get().getStatus().getPolicyVersion();
        assertThat(reload.out()).contains(version);
        // The pod's runtime saw the kubelet swap the mounted file and took the new version, mid-run.
        List<JsonNode> reloads = poll("a policy_reloaded event with version " + version + " in the run's audit log",
                () -> events(audit, "policy_reloaded"),
                events -> events.stream().anyMatch(e -> e.path("data").path("version").asText().equals(version)));
        assertThat(reloads).allSatisfy(e -> {
            assertThat(e.path("data").path("ok").asBoolean()).isTrue();
            assertThat(e.path("data").path("trigger").asText()).isEqualTo("file changed");
        });
        assertThat(kubelet.running("governed-0")).isTrue();
    }

    static List<JsonNode> events(Path audit, String type) {
        try {
            return Files.exists(audit) ? Files.readAllLines(audit).stream().map(KubeletEndToEndTest::parse)
                    .filter(e -> e.path("type").asText().equals(type)).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    static JsonNode parse(String line) {
        try {
            return Json.parse(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A spec whose model is the scripted server. */
    /** A bare repository with one commit on main, served over HTTP on 127.0.0.1 (pushes need user "agent" and {@code token}). */
    GitHttpServer gitServer(String token) throws Exception {
        Path served = Files.createDirectories(root.resolve("served"));
        GitRepos.git(served, "init", "--quiet", "--bare", "repo.git");
        Path work = GitRepos.init(root.resolve("seed"), Map.of("README.md", "# Demo\n"));
        GitRepos.git(work, "push", "--quiet", served.resolve("repo.git").toUri().toString(), "HEAD:refs/heads/main");
        GitRepos.git(served.resolve("repo.git"), "symbolic-ref", "HEAD", "refs/heads/main");
        return GitHttpServer.start(served, "agent", token);
    }

    /** Like await, with the status and the pods' output in the failure. */
    AgentRun awaitExplained(String name, String what, java.util.function.Predicate<AgentRun> condition) throws Exception {
        try {
            return await(run(name), what, condition);
        } catch (AssertionError e) {
            StringBuilder logs = new StringBuilder();
            for (String pod : List.of(name + "-0", name + "-1")) {
                Path log = kubelet.log(pod);
                if (Files.exists(log)) {
                    logs.append(pod).append(": ").append(Files.readString(log)).append('\n');
                }
            }
            AgentRun last = run(name).get();
            throw new AssertionError("timed out waiting for " + what + "; status " + Json.write(last == null ? null : last.getStatus())
                    + "\n" + logs, e);
        }
    }

    void pushSecret(String name, String password) {
        client.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name)
                .endMetadata().withType("kubernetes.io/basic-auth")
                // data, not stringData: the mock API server does not fold stringData into data as a real one does
                .addToData("username", java.util.Base64.getEncoder().encodeToString("agent".getBytes()))
                .addToData("password", java.util.Base64.getEncoder().encodeToString(password.getBytes())).build()).create();
    }

    AgentRunSpec pushing(String goal, String url, String branch, String secret) {
        return new AgentRunSpec(goal, new AgentRunSpec.Workspace(new AgentRunSpec.Git(url, null,
                new AgentRunSpec.Push(branch, new AgentRunSpec.SecretRef(secret))), null),
                new AgentRunSpec.Model(model.baseUrl(), "scripted-model", null), null, null, null, null, null);
    }

    @Test
    void aSucceededRunPushesItsChangeAsABranchAndTheStatusSaysWhere() throws Exception {
        String token = "tok-" + java.util.UUID.randomUUID();
        model.script(
                Reply.toolCall("write_file", "{\"path\":\"NOTES.md\",\"content\":\"notes\\n\"}"),
                Reply.toolCall("run_shell", "{\"command\":\"echo more >> README.md\"}"),
                Reply.text("Done."));
        try (GitHttpServer git = gitServer(token)) {
            pushSecret("push-creds", token);
            create("pusher", pushing("Write notes", git.url("repo.git"), "dev-agent/notes", "push-creds"));

            AgentRun done = awaitExplained("pusher", "Succeeded with the push reported",
                    r -> "Succeeded".equals(phase(r)) && r.getStatus().getPush() != null);

            Path bare = root.resolve("served/repo.git");
            String pushed = GitRepos.git(bare, "rev-parse", "refs/heads/dev-agent/notes").strip();
            AgentRunStatus.PushStatus push = done.getStatus().getPush();
            assertThat(push.branch()).isEqualTo("dev-agent/notes");
            assertThat(push.commit()).isEqualTo(pushed);
            assertThat(push.files()).isEqualTo(2);
            assertThat(push.insertions()).isEqualTo(2);
            assertThat(push.deletions()).isZero();
            assertThat(GitRepos.git(bare, "show", pushed + ":NOTES.md")).isEqualTo("notes\n");
            assertThat(GitRepos.git(bare, "show", pushed + ":README.md")).isEqualTo("# Demo\nmore\n");
            assertThat(GitRepos.git(bare, "rev-parse", pushed + "^").strip()).isEqualTo(GitRepos.git(bare, "rev-parse", "main").strip());
            // The credentials are nowhere a person or the cluster can read them.
            Path volume = kubelet.volume("pusher-state");
            assertThat(Files.readString(kubelet.log("pusher-0"))).contains("pushed branch dev-agent/notes").doesNotContain(token);
            assertThat(Files.readString(volume.resolve("state/audit/run-pusher.jsonl"))).doesNotContain(token);
            assertThat(Json.write(done)).doesNotContain(token);
            assertThat(GitRepos.git(volume.resolve("workspace"), "config", "--list")).doesNotContain(token);
            assertThat(pod("pusher-0").get().getSpec().getContainers().get(0).getArgs().toString()).doesNotContain(token);

            Outcome shown = agent("--k8s", "checkpoints", "show", "pusher");
            assertThat(shown.out()).contains("\"branch\" : \"dev-agent/notes\"").contains(pushed);
        }
    }

    @Test
    void aRefusedPushFailsTheRunWithAClearMessageAndPushesNothing() throws Exception {
        String token = "right-" + java.util.UUID.randomUUID();
        model.script(Reply.toolCall("write_file", "{\"path\":\"NOTES.md\",\"content\":\"notes\\n\"}"), Reply.text("Done."));
        try (GitHttpServer git = gitServer(token)) {
            pushSecret("wrong-creds", "wrong-password");
            create("refused", pushing("Write notes", git.url("repo.git"), "dev-agent/notes", "wrong-creds"));

            AgentRun failed = awaitExplained("refused", "Failed", r -> "Failed".equals(phase(r)));

            assertThat(failed.getStatus().getMessage()).contains("succeeded, but its change was not pushed")
                    .contains("dev-agent/notes").doesNotContain("wrong-password");
            assertThat(git.refused()).isPositive();
            assertThat(GitRepos.git(root.resolve("served/repo.git"), "branch", "--list")).doesNotContain("dev-agent/notes");
            assertThat(Files.readString(kubelet.log("refused-0"))).doesNotContain("wrong-password").doesNotContain("Exception");
        }
    }

    AgentRunSpec scripted(String goal, String policyRef) {
        return new AgentRunSpec(goal, null, new AgentRunSpec.Model(model.baseUrl(), "scripted-model", null), policyRef, null, null, null, null);
    }
}
