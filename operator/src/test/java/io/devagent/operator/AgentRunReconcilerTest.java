package io.devagent.operator;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.k8s.api.Labels;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyLoader;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The AgentRun controller against the CRUD mock API server: children, status, suspend, replacement, policies, deletion. */
class AgentRunReconcilerTest extends OperatorTestBase {

    @Test
    void aNewRunGetsItsVolumePolicyPodNetworkPolicyAndAccount() throws Exception {
        AgentRun run = create("summarize", new AgentRunSpec("Summarize repo", null,
                new AgentRunSpec.Model("http://10.1.2.3:1234/v1", "qwen", new AgentRunSpec.SecretKeyRef("llm", "api-key")),
                null, 7, null, new AgentRunSpec.Storage("2Gi", "fast"), null));

        Pod pod = await(pod("summarize-0"), "the runtime pod", p -> true);
        AgentRun seen = await(run("summarize"), "status Pending with the pod", r -> "summarize-0".equals(
                Optional.ofNullable(r.getStatus()).map(AgentRunStatus::getPodName).orElse(null)));

        // The volume: created from spec.storage, never by the pod.
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(NS).withName("summarize-state").get();
        assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("2Gi");
        assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");

        // The policy: the runtime's own loader reads it; network is explicit and off; spec.maxSteps narrows the limit.
        ConfigMap map = configMap("summarize-policy").get();
        Policy rendered = PolicyLoader.parse(map.getData().get("policy.yaml"), "rendered");
        assertThat(rendered.network().allow()).isFalse();
        assertThat(rendered.limits().maxSteps()).isEqualTo(7);
        assertThat(map.getData().get("policy.yaml")).startsWith("# Rendered by dev-agent-operator for AgentRun agents/summarize");
        assertThat(seen.getStatus().getPolicyVersion()).isEqualTo(rendered.version());

        // The pod runs the same CLI, resumable under the same run id, on the volume.
        Container agent = pod.getSpec().getContainers().get(0);
        assertThat(agent.getCommand()).containsExactly("agent");
        assertThat(agent.getArgs()).containsExactly("run", "Summarize repo", "--run-id", "summarize");
        assertThat(agent.getImage()).isEqualTo("dev-agent:test");
        Map<String, EnvVar> env = agent.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("LLM_BASE_URL").getValue()).isEqualTo("http://10.1.2.3:1234/v1");
        assertThat(env.get("LLM_MODEL").getValue()).isEqualTo("qwen");
        assertThat(env.get("LLM_API_KEY").getValue()).isNull();
        assertThat(env.get("LLM_API_KEY").getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm");
        assertThat(env.get("LLM_API_KEY").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-key");
        assertThat(env.get("AGENT_STATE_DIR").getValue()).isEqualTo("/state");
        assertThat(env.get("AGENT_POLICY_FILE").getValue()).isEqualTo("/etc/dev-agent/policy/policy.yaml");
        assertThat(env.get("AGENT_K8S_AGENTRUN").getValue()).isEqualTo("summarize");
        assertThat(env.get("AGENT_K8S_SSA").getValue()).isEqualTo("false");
        assertThat(agent.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/state");
            assertThat(m.getName()).isEqualTo("state");
        });
        assertThat(claims(pod)).containsExactly("summarize-state");
        assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getConfigMap() != null).extracting(v -> v.getConfigMap().getName())
                .containsExactly("summarize-policy");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("summarize-runtime");

        // The restricted pod security profile.
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(agent.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(agent.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        // Network off: DNS, the model's address and the API server, nothing else.
        NetworkPolicy egress = client.network().v1().networkPolicies().inNamespace(NS).withName("summarize-egress").get();
        assertThat(egress.getSpec().getPolicyTypes()).containsExactly("Egress");
        assertThat(egress.getSpec().getPodSelector().getMatchLabels()).containsEntry(Labels.AGENT_RUN, "summarize");
        List<String> cidrs = egress.getSpec().getEgress().stream().filter(r -> r.getTo() != null).flatMap(r -> r.getTo().stream())
                .map(NetworkPolicyPeer::getIpBlock).filter(b -> b != null).map(b -> b.getCidr()).toList();
        assertThat(cidrs).containsExactlyInAnyOrder("10.1.2.3/32", "10.0.0.1/32");
        assertThat(egress.getSpec().getEgress()).anySatisfy(r -> assertThat(r.getPorts()).anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(53)));

        // The runtime may patch its own AgentRun's status, nothing more.
        Role role = client.rbac().roles().inNamespace(NS).withName("summarize-runtime").get();
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("agentruns/status");
            assertThat(rule.getResourceNames()).containsExactly("summarize");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "patch");
        });
        RoleBinding binding = client.rbac().roleBindings().inNamespace(NS).withName("summarize-runtime").get();
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("summarize-runtime"));

        // Every child is owned by the run, so that it goes with it.
        for (HasMetadata child : List.of(pvc, map, pod, egress, role, binding,
                client.serviceAccounts().inNamespace(NS).withName("summarize-runtime").get())) {
            assertThat(child.getMetadata().getOwnerReferences()).as(child.getKind()).singleElement().satisfies(o -> {
                assertThat(o.getUid()).isEqualTo(run.getMetadata().getUid());
                assertThat(o.getKind()).isEqualTo("AgentRun");
                assertThat(o.getController()).isTrue();
            });
        }

        // Status: the controller's fields and conditions.
        assertThat(seen.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(seen.getStatus().getObservedGeneration()).isEqualTo(run.getMetadata().getGeneration());
        assertThat(condition(seen, "Progressing").getStatus()).isEqualTo("True");
        assertThat(condition(seen, "Degraded").getStatus()).isEqualTo("False");
        assertThat(condition(seen, "Ready").getStatus()).isEqualTo("False");
    }

    @Test
    void theStatusFollowsThePodToSuccess() {
        create("ok", spec("Say hi"));
        await(pod("ok-0"), "the pod", p -> true);

        podStatus("ok-0", "Running", null, null);
        AgentRun running = await(run("ok"), "phase Running", r -> "Running".equals(phase(r)));
        assertThat(condition(running, "Ready").getStatus()).isEqualTo("True");

        podStatus("ok-0", "Succeeded", 0, null);
        AgentRun done = await(run("ok"), "phase Succeeded", r -> "Succeeded".equals(phase(r)));
        assertThat(condition(done, "Progressing").getStatus()).isEqualTo("False");
        assertThat(condition(done, "Ready").getReason()).isEqualTo("RunSucceeded");
        // The finished run keeps its pod (for its logs) and its volume.
        assertThat(pod("ok-0").get()).isNotNull();
        assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("ok-state").get()).isNotNull();
    }

    @Test
    void aRunThatFailsInItsOwnRightIsFailedWithTheRuntimesMessage() {
        create("fails", spec("Do too much"));
        await(pod("fails-0"), "the pod", p -> true);

        podStatus("fails-0", "Failed", 1, "run_id: fails\nerror: run fails failed at step 7: the run reached limits.maxSteps (7)\n");

        AgentRun failed = await(run("fails"), "phase Failed", r -> "Failed".equals(phase(r)));
        assertThat(failed.getStatus().getMessage()).contains("limits.maxSteps (7)");
        assertThat(condition(failed, "Degraded").getStatus()).isEqualTo("True");
        assertThat(condition(failed, "Degraded").getReason()).isEqualTo("RunFailed");
        assertThat(client.pods().inNamespace(NS).list().getItems()).extracting(p -> p.getMetadata().getName()).containsExactly("fails-0");
    }

    @Test
    void suspendRemovesThePodAndKeepsTheVolumeAndResumeStartsItAgain() {
        create("pausable", spec("Long job"));
        await(pod("pausable-0"), "the pod", p -> true);
        podStatus("pausable-0", "Running", null, null);
        await(run("pausable"), "Running", r -> "Running".equals(phase(r)));

        replaceSpec(run("pausable"), withSuspend(run("pausable").get().getSpec(), true));

        awaitGone(pod("pausable-0"), "the suspended run's pod");
        AgentRun suspended = await(run("pausable"), "phase Suspended with no pod",
                r -> "Suspended".equals(phase(r)) && r.getStatus().getPodName() == null);
        assertThat(suspended.getStatus().getMessage()).contains("the volume is kept");
        assertThat(condition(suspended, "Progressing").getStatus()).isEqualTo("False");
        assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("pausable-state").get()).isNotNull();

        replaceSpec(run("pausable"), withSuspend(run("pausable").get().getSpec(), false));

        Pod again = await(pod("pausable-0"), "a pod for the resumed run", p -> p.getMetadata().getDeletionTimestamp() == null);
        assertThat(claims(again)).containsExactly("pausable-state");
        AgentRun resumed = await(run("pausable"), "Pending again", r -> "Pending".equals(phase(r)));
        assertThat(resumed.getStatus().getRestarts()).isNull();
    }

    @Test
    void aDeletedPodIsReplacedByOneOnTheSameVolume() {
        create("survivor", spec("Keep going"));
        Pod first = await(pod("survivor-0"), "the first pod", p -> true);
        podStatus("survivor-0", "Running", null, null);
        await(run("survivor"), "Running", r -> "Running".equals(phase(r)));

        pod("survivor-0").delete();

        Pod second = await(pod("survivor-1"), "the replacement pod", p -> true);
        assertThat(second.getSpec().getContainers().get(0).getArgs()).isEqualTo(first.getSpec().getContainers().get(0).getArgs());
        assertThat(claims(second)).containsExactly("survivor-state");
        AgentRun replaced = await(run("survivor"), "status on the second pod",
                r -> r.getStatus() != null && "survivor-1".equals(r.getStatus().getPodName()));
        assertThat(replaced.getStatus().getRestarts()).isEqualTo(1);
        assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("survivor-state").get()).isNotNull();
    }

    @Test
    void aPodKilledBeforeTheRunEndedIsReplacedAndTheFailedOneKept() {
        create("oom", spec("Big job"));
        await(pod("oom-0"), "the first pod", p -> true);

        podStatus("oom-0", "Failed", 137, null);

        await(pod("oom-1"), "the replacement pod", p -> true);
        AgentRun replaced = await(run("oom"), "restarts 1", r -> r.getStatus() != null && Integer.valueOf(1).equals(r.getStatus().getRestarts()));
        assertThat(replaced.getStatus().getPhase()).isIn("Pending", "Running");
        assertThat(pod("oom-0").get().getStatus().getPhase()).isEqualTo("Failed");
    }

    @Test
    void aPolicyChangeReRendersTheRunsConfigMapAndItsNetworkPolicy() throws Exception {
        createPolicy("strict", new Policy(new Policy.Network(false, null), null, null, null, new Policy.Limits(20, null, null), null, null));
        create("governed", withPolicy(spec("Follow the rules"), "strict"));
        ConfigMap first = await(configMap("governed-policy"), "the rendered policy", m -> true);
        assertThat(PolicyLoader.parse(first.getData().get("policy.yaml"), "x").limits().maxSteps()).isEqualTo(20);
        assertThat(first.getMetadata().getLabels()).containsEntry(Labels.POLICY, "strict");
        await(client.network().v1().networkPolicies().inNamespace(NS).withName("governed-egress"), "the egress policy", n -> true);
        await(pod("governed-0"), "the pod", p -> true);

        replaceSpec(client.resources(PolicyResource.class).inNamespace(NS).withName("strict"),
                new Policy(new Policy.Network(true, List.of("github.com")), null, null, null, new Policy.Limits(5, null, null), null, null));

        ConfigMap second = await(configMap("governed-policy"), "the re-rendered policy",
                m -> m.getData().get("policy.yaml").contains("maxSteps: 5"));
        Policy rendered = PolicyLoader.parse(second.getData().get("policy.yaml"), "x");
        assertThat(rendered.network().allow()).isTrue();
        assertThat(rendered.network().allowHosts()).containsExactly("github.com");
        awaitGone(client.network().v1().networkPolicies().inNamespace(NS).withName("governed-egress"), "the egress policy (network is on)");
        await(run("governed"), "the new policy version in status", r -> rendered.version().equals(r.getStatus().getPolicyVersion()));
        // The running pod is not replaced: it reloads the mounted file.
        assertThat(client.pods().inNamespace(NS).list().getItems()).extracting(p -> p.getMetadata().getName()).containsExactly("governed-0");

        // A reload request re-renders with the request in the file (so the pods see a change) and is acknowledged.
        annotate(client.resources(PolicyResource.class).inNamespace(NS).withName("strict"), PolicyResource.RELOAD_ANNOTATION, "req-1");
        ConfigMap reloaded = await(configMap("governed-policy"), "the reload request in the ConfigMap",
                m -> "req-1".equals(m.getMetadata().getAnnotations().get(Labels.POLICY_RELOAD)));
        assertThat(reloaded.getData().get("policy.yaml")).contains("# Reload request: req-1");
        await(client.resources(PolicyResource.class).inNamespace(NS).withName("strict"), "the reload acknowledged",
                p -> p.getStatus() != null && "req-1".equals(p.getStatus().getReloaded()));
    }

    @Test
    void anInvalidSpecIsDegradedWithAClearMessageAndGetsNoPod() {
        create("broken", new AgentRunSpec("Do it", new AgentRunSpec.Workspace(new AgentRunSpec.Git("https://x/r.git", null),
                new AgentRunSpec.Pvc("data", null)), new AgentRunSpec.Model("ftp://model", null, null), null, 0, null, null, null));

        AgentRun degraded = await(run("broken"), "a Degraded condition", r -> r.getStatus() != null
                && r.getStatus().condition("Degraded").map(c -> "True".equals(c.getStatus())).orElse(false));

        Condition condition = condition(degraded, "Degraded");
        assertThat(condition.getReason()).isEqualTo("InvalidSpec");
        assertThat(condition.getMessage()).contains("spec.model.baseUrl 'ftp://model' is not an http(s) URL")
                .contains("spec.workspace has both git and pvc").contains("spec.maxSteps must be at least 1");
        assertThat(degraded.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(degraded.getStatus().getMessage()).contains("spec.model.baseUrl");
        assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems()).isEmpty();

        // Fixed, it runs.
        replaceSpec(run("broken"), spec("Do it"));
        await(pod("broken-0"), "the pod of the fixed run", p -> true);
        AgentRun fixed = await(run("broken"), "Degraded cleared", r -> "False".equals(condition(r, "Degraded").getStatus()));
        assertThat(fixed.getStatus().getObservedGeneration()).isEqualTo(fixed.getMetadata().getGeneration());
    }

    @Test
    void aMissingOrInvalidPolicyHoldsTheRunWithAClearCondition() {
        create("waiting", withPolicy(spec("Wait for it"), "later"));
        AgentRun missing = await(run("waiting"), "PolicyNotFound", r -> r.getStatus() != null
                && "PolicyNotFound".equals(condition(r, "Degraded").getReason()));
        assertThat(condition(missing, "Degraded").getMessage()).isEqualTo("Policy 'later' does not exist in namespace agents");
        assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();

        createPolicy("later", new Policy(null, null, null, null, new Policy.Limits(null, null, 10), null, null));
        AgentRun invalid = await(run("waiting"), "PolicyInvalid", r -> "PolicyInvalid".equals(condition(r, "Degraded").getReason()));
        assertThat(condition(invalid, "Degraded").getMessage()).contains("limits.maxToolOutputBytes").contains("between 256 and 16777216");
        PolicyResource policy = await(client.resources(PolicyResource.class).inNamespace(NS).withName("later"), "the Policy's own Degraded",
                p -> p.getStatus() != null && p.getStatus().getMessage() != null);
        assertThat(policy.getStatus().getMessage()).contains("field 'limits.maxToolOutputBytes'");
        assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();

        replaceSpec(client.resources(PolicyResource.class).inNamespace(NS).withName("later"),
                new Policy(null, null, null, null, new Policy.Limits(null, null, 4096), null, null));
        await(pod("waiting-0"), "the pod once the policy is valid", p -> true);
        await(run("waiting"), "Degraded cleared", r -> "False".equals(condition(r, "Degraded").getStatus()));
    }

    @Test
    void aDeletedRunIsNotRecreatedAndItsChildrenAreTheGarbageCollectorsToRemove() {
        AgentRun run = create("gone", spec("Short life"));
        await(pod("gone-0"), "the pod", p -> true);
        await(client.persistentVolumeClaims().inNamespace(NS).withName("gone-state"), "the volume", v -> true);

        run("gone").delete();
        awaitGone(run("gone"), "the AgentRun (no finalizer holds it)");

        // The mock has no garbage collector: do what it would do, remove everything the run owned.
        List<HasMetadata> owned = new java.util.ArrayList<>();
        owned.addAll(client.pods().inNamespace(NS).list().getItems());
        owned.addAll(client.persistentVolumeClaims().inNamespace(NS).list().getItems());
        owned.addAll(client.configMaps().inNamespace(NS).list().getItems());
        owned.addAll(client.network().v1().networkPolicies().inNamespace(NS).list().getItems());
        owned.addAll(client.serviceAccounts().inNamespace(NS).list().getItems());
        owned.addAll(client.rbac().roles().inNamespace(NS).list().getItems());
        owned.addAll(client.rbac().roleBindings().inNamespace(NS).list().getItems());
        assertThat(owned).hasSize(7).allSatisfy(child -> assertThat(child.getMetadata().getOwnerReferences())
                .extracting(OwnerReference::getUid).containsExactly(run.getMetadata().getUid()));
        owned.forEach(child -> client.resource(child).delete());

        // A new run with the same name starts from nothing, and the operator recreated nothing for the old one.
        create("gone", spec("Second life"));
        Pod fresh = await(pod("gone-0"), "the new run's pod", p -> p.getSpec().getContainers().get(0).getArgs().contains("Second life"));
        assertThat(fresh.getMetadata().getOwnerReferences().get(0).getUid()).isNotEqualTo(run.getMetadata().getUid());
        assertThat(client.serviceAccounts().inNamespace(NS).list().getItems()).extracting(ServiceAccount::getMetadata)
                .extracting(m -> m.getOwnerReferences().get(0).getUid()).doesNotContain(run.getMetadata().getUid());
    }

    @Test
    void theControllerLeavesTheRuntimesStatusFieldsAlone() {
        create("shared", spec("Share the status"));
        await(pod("shared-0"), "the pod", p -> true);
        await(run("shared"), "Pending", r -> "Pending".equals(phase(r)));

        // The runtime's report, as the CLI in the pod sends it without server-side apply: a merge patch of its fields.
        run("shared").subresource("status").patch(new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                        .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE).build(),
                "{\"status\":{\"runId\":\"shared\",\"currentStep\":3,\"tokens\":1234,\"activity\":\"read_file README.md\"}}");
        podStatus("shared-0", "Running", null, null);

        AgentRun running = await(run("shared"), "Running", r -> "Running".equals(phase(r)));
        assertThat(running.getStatus().getCurrentStep()).isEqualTo(3);
        assertThat(running.getStatus().getTokens()).isEqualTo(1234);
        assertThat(running.getStatus().getRunId()).isEqualTo("shared");
        assertThat(running.getStatus().getActivity()).isEqualTo("read_file README.md");
        assertThat(running.getStatus().getPodName()).isEqualTo("shared-0");
    }

    static List<String> claims(Pod pod) {
        return pod.getSpec().getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null)
                .map(v -> v.getPersistentVolumeClaim().getClaimName()).toList();
    }

    static AgentRunSpec withSuspend(AgentRunSpec s, boolean suspend) {
        return new AgentRunSpec(s.goal(), s.workspace(), s.model(), s.policyRef(), s.maxSteps(), suspend, s.storage(), s.image());
    }

    static AgentRunSpec withPolicy(AgentRunSpec s, String policy) {
        return new AgentRunSpec(s.goal(), s.workspace(), s.model(), policy, s.maxSteps(), s.suspend(), s.storage(), s.image());
    }

    static Condition condition(AgentRun run, String type) {
        return run.getStatus().condition(type).orElseThrow(() -> new AssertionError("no " + type + " condition in " + run.getStatus()));
    }

    /** Plays the kubelet's part: the pod's phase and, when it has ended, the agent container's exit. */
    void podStatus(String name, String phase, Integer exitCode, String message) {
        Pod pod = pod(name).get();
        PodStatusBuilder status = new PodStatusBuilder().withPhase(phase);
        if (exitCode != null) {
            status.addNewContainerStatus().withName("agent").withNewState().withNewTerminated().withExitCode(exitCode)
                    .withMessage(message).withReason(exitCode == 0 ? "Completed" : "Error").endTerminated().endState().endContainerStatus();
        } else if ("Running".equals(phase)) {
            status.addNewContainerStatus().withName("agent").withNewState().withNewRunning().endRunning().endState().endContainerStatus();
        }
        pod.setStatus(status.build());
        client.pods().inNamespace(NS).resource(pod).updateStatus();
    }
}
