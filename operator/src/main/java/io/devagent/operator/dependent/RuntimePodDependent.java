package io.devagent.operator.dependent;

import io.devagent.k8s.api.AgentRun;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.k8s.api.Labels;
import io.devagent.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runtime pod of the run's current attempt, {@code <name>-<attempt>}: it runs
 * {@code agent run GOAL --run-id ID} on the run's volume, which resumes the run when a checkpoint
 * is there. Pods are created, never updated; the workflow deletes the current one to suspend the
 * run ({@link PodWanted}), and the controller moves to the next attempt when one dies.
 * <p>
 * Every pod meets the restricted Pod Security Standard: non-root, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp and a read-only root filesystem ({@code /tmp} is an
 * emptyDir).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECTOR))
public final class RuntimePodDependent extends KubernetesDependentResource<Pod, AgentRun>
        implements Creator<Pod, AgentRun>, GarbageCollected<AgentRun> {

    public static final String CONTAINER = "agent";
    public static final String CLONE_CONTAINER = "clone";
    public static final String STATE_DIR = "/state";
    public static final String WORKSPACE_DIR = "/workspace";
    public static final String POLICY_FILE = PolicyConfigMapDependent.MOUNT_DIR + "/" + PolicyConfigMapDependent.KEY;

    /**
     * The init container's script: clone once into the (persistent) workspace, never again, so that
     * a replaced pod finds the run's own changes. URL and ref come in the environment, not the script.
     */
    static final String CLONE_SCRIPT = """
            set -eu
            if [ -e "$AGENT_WORKSPACE/.git" ]; then echo "workspace already cloned"; exit 0; fi
            git clone --quiet -- "$GIT_URL" "$AGENT_WORKSPACE"
            if [ -n "${GIT_REF:-}" ]; then git -C "$AGENT_WORKSPACE" checkout --quiet "$GIT_REF"; fi
            """;

    private final OperatorConfig config;

    /** The model of runs that name none (the pod's condition validates with it). */
    public io.devagent.operator.config.DefaultModel defaultModel() {
        return config.defaultModel();
    }

    public RuntimePodDependent(OperatorConfig config) {
        super(Pod.class);
        this.config = config;
    }

    /** The attempt the reconciler is working on: {@code status.restarts}. */
    public static int attempt(AgentRun run) {
        return run.getStatus() == null || run.getStatus().getRestarts() == null ? 0 : run.getStatus().getRestarts();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(AgentRun run, Context<AgentRun> context) {
        return new ResourceID(Children.pod(run, attempt(run)), run.getMetadata().getNamespace());
    }

    @Override
    protected Pod desired(AgentRun run, Context<AgentRun> context) {
        AgentRunSpec spec = run.spec();
        String image = Optional.ofNullable(spec.image()).orElse(config.runtimeImage());
        Optional<AgentRunSpec.Git> git = Optional.ofNullable(spec.workspace()).map(AgentRunSpec.Workspace::git);
        Optional<AgentRunSpec.Pvc> pvc = Optional.ofNullable(spec.workspace()).map(AgentRunSpec.Workspace::pvc);

        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("state").withNewPersistentVolumeClaim().withClaimName(Children.statePvc(run))
                .endPersistentVolumeClaim().build());
        volumes.add(new VolumeBuilder().withName("policy").withNewConfigMap().withName(Children.policyConfigMap(run))
                .endConfigMap().build());
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
        VolumeMount workspaceMount;
        if (pvc.isPresent()) {
            volumes.add(new VolumeBuilder().withName("workspace").withNewPersistentVolumeClaim()
                    .withClaimName(pvc.get().claimName()).endPersistentVolumeClaim().build());
            workspaceMount = new VolumeMountBuilder().withName("workspace").withMountPath(WORKSPACE_DIR)
                    .withSubPath(pvc.get().subPath()).build();
        } else {
            // A cloned or empty workspace lives on the run's volume, beside the state, so that it survives the pod.
            workspaceMount = new VolumeMountBuilder().withName("state").withMountPath(WORKSPACE_DIR).withSubPath("workspace").build();
        }
        VolumeMount stateMount = new VolumeMountBuilder().withName("state").withMountPath(STATE_DIR).withSubPath("state").build();
        VolumeMount policyMount = new VolumeMountBuilder().withName("policy").withMountPath(PolicyConfigMapDependent.MOUNT_DIR)
                .withReadOnly(true).build();
        VolumeMount tmpMount = new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build();

        List<EnvVar> env = new ArrayList<>();
        env.add(env("AGENT_STATE_DIR", STATE_DIR));
        env.add(env("AGENT_WORKSPACE", WORKSPACE_DIR));
        env.add(env("AGENT_POLICY_FILE", POLICY_FILE));
        // The mounted policy decides about network (the operator always writes network.allow); ALLOW_NET only narrows.
        env.add(env("ALLOW_NET", "true"));
        env.add(env("HOME", "/tmp"));
        AgentRunSpec.Model model = config.defaultModel().effective(spec.model()); // the operator's default fills what the run leaves out
        if (model != null) {
            env.add(env("LLM_BASE_URL", model.baseUrl()));
            if (model.name() != null) {
                env.add(env("LLM_MODEL", model.name()));
            }
            if (model.apiKeySecretRef() != null) {
                env.add(new EnvVarBuilder().withName("LLM_API_KEY").withNewValueFrom().withNewSecretKeyRef()
                        .withName(model.apiKeySecretRef().name()).withKey(model.apiKeySecretRef().key()).withOptional(false)
                        .endSecretKeyRef().endValueFrom().build());
            }
        }
        git.map(AgentRunSpec.Git::push).ifPresent(push -> env.addAll(pushEnv(git.get(), push)));
        if (spec.retry() != null && spec.retry() > 0) {
            env.add(env("AGENT_RETRY_FAILED", "true")); // a retried run goes on from its checkpoint although it failed
        }
        // Where the runtime reports progress: its own AgentRun's status (see StatusReporter in the CLI).
        env.add(env("AGENT_K8S_AGENTRUN", run.getMetadata().getName()));
        env.add(new EnvVarBuilder().withName("AGENT_K8S_NAMESPACE").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
        env.add(env("AGENT_K8S_SSA", Boolean.toString(config.serverSideApply())));

        Container agent = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .withCommand("agent")
                .withArgs("run", spec.goal(), "--run-id", Children.runId(run))
                .withEnv(env)
                .withVolumeMounts(stateMount, workspaceMount, policyMount, tmpMount)
                .withSecurityContext(restricted())
                // On failure the last lines of output (the runtime's one-line error) become the termination message.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .build();

        PodBuilder pod = new PodBuilder()
                .withMetadata(Children.meta(run, Children.pod(run, attempt(run))))
                .editMetadata().addToLabels(Labels.ATTEMPT, Integer.toString(attempt(run))).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(Children.runtimeAccount(run))
                .withAutomountServiceAccountToken(true)
                .withEnableServiceLinks(false)
                // Time for SIGTERM to pause the run at a checkpoint before the kubelet kills it.
                .withTerminationGracePeriodSeconds(60L)
                .withSecurityContext(new PodSecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(config.runtimeUser())
                        .withRunAsGroup(config.runtimeUser())
                        .withFsGroup(config.runtimeUser())
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .withContainers(agent)
                .withVolumes(volumes)
                .endSpec();
        git.ifPresent(g -> pod.editSpec().addToInitContainers(new ContainerBuilder()
                .withName(CLONE_CONTAINER)
                .withImage(image)
                .withCommand("sh", "-c", CLONE_SCRIPT)
                .withEnv(env("GIT_URL", g.url()), env("GIT_REF", Optional.ofNullable(g.ref()).orElse("")),
                        env("AGENT_WORKSPACE", WORKSPACE_DIR), env("HOME", "/tmp"))
                .withVolumeMounts(workspaceMount, tmpMount)
                .withSecurityContext(restricted())
                .build()).endSpec());
        return pod.build();
    }

    /**
     * spec.workspace.git.push: the branch and where to push it; the credentials come from the Secret
     * as environment variables that only the runtime reads (never in the pod's command line).
     */
    static List<EnvVar> pushEnv(AgentRunSpec.Git git, AgentRunSpec.Push push) {
        List<EnvVar> env = new ArrayList<>();
        env.add(env("AGENT_GIT_PUSH_BRANCH", push.branch()));
        env.add(env("AGENT_GIT_PUSH_URL", git.url()));
        if (push.secretRef() != null) {
            for (String[] key : new String[][] {{"AGENT_GIT_PUSH_USERNAME", "username"}, {"AGENT_GIT_PUSH_PASSWORD", "password"}}) {
                env.add(new EnvVarBuilder().withName(key[0]).withNewValueFrom().withNewSecretKeyRef()
                        .withName(push.secretRef().name()).withKey(key[1]).withOptional(false)
                        .endSecretKeyRef().endValueFrom().build());
            }
        }
        return env;
    }

    static SecurityContext restricted() {
        Capabilities none = new CapabilitiesBuilder().withDrop("ALL").build();
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withCapabilities(none)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    private static EnvVar env(String name, String value) {
        return new EnvVar(name, value, null);
    }
}
