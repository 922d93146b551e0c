package io.devagent.operator;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.operator.dependent.Children;
import io.devagent.operator.dependent.EgressPolicyDependent;
import io.devagent.operator.dependent.PolicyConfigMapDependent;
import io.devagent.operator.dependent.RuntimeAccountDependent;
import io.devagent.operator.dependent.RuntimePodDependent;
import io.devagent.operator.dependent.RuntimeRoleBindingDependent;
import io.devagent.operator.dependent.RuntimeRoleDependent;
import io.devagent.operator.dependent.StatePvcDependent;
import io.devagent.policy.Policy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reconciles an AgentRun: states its children (the state PVC, the policy ConfigMap, the runtime
 * pod, the egress NetworkPolicy, the runtime's service account, role and binding) as JOSDK
 * dependent resources, and the controller's part of its status.
 * <p>
 * The pod of attempt {@code n} is {@code <name>-<n>}, with {@code n = status.restarts}. A pod that
 * dies before the run ends (killed, evicted, deleted, model unreachable) moves the run to the next
 * attempt, whose pod resumes from the checkpoint on the volume; a run that fails in its own right
 * (exit 1, or 2 for a broken policy) is Failed. {@code spec.suspend} deletes the pod (the kubelet's
 * SIGTERM pauses the run at a checkpoint) and keeps the volume.
 */
@ControllerConfiguration(name = AgentRunReconciler.NAME, fieldManager = AgentRunStatus.CONTROLLER_MANAGER)
public final class AgentRunReconciler implements Reconciler<AgentRun> {

    public static final String NAME = "agentrun";
    static final String POLICY_INDEX = "devagent.io/policyRef";
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunReconciler.class);

    private final OperatorConfig config;
    private final StatePvcDependent pvc = new StatePvcDependent();
    private final PolicyConfigMapDependent configMap = new PolicyConfigMapDependent();
    private final RuntimeAccountDependent account = new RuntimeAccountDependent();
    private final RuntimeRoleDependent role = new RuntimeRoleDependent();
    private final RuntimeRoleBindingDependent binding = new RuntimeRoleBindingDependent();
    private final RuntimePodDependent pod;
    private final EgressPolicyDependent egress;

    public AgentRunReconciler(OperatorConfig config) {
        this.config = config;
        this.pod = new RuntimePodDependent(config);
        this.egress = new EgressPolicyDependent(new ApiServerAddresses(config.apiServerCidrs()));
    }

    @Override
    public List<EventSource<?, AgentRun>> prepareEventSources(EventSourceContext<AgentRun> context) {
        // A Policy change reaches the runs that reference it: an index on spec.policyRef maps a Policy to its runs.
        context.getPrimaryCache().addIndexer(POLICY_INDEX, run -> run.getSpec() == null || run.getSpec().policyRef() == null
                ? List.of() : List.of(policyKey(run.getMetadata().getNamespace(), run.getSpec().policyRef())));
        InformerEventSource<PolicyResource, AgentRun> policies = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(PolicyResource.class, AgentRun.class)
                        .withName("policies")
                        .withSecondaryToPrimaryMapper(policy -> context.getPrimaryCache()
                                .byIndex(POLICY_INDEX, policyKey(policy.getMetadata().getNamespace(), policy.getMetadata().getName()))
                                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<AgentRun>) run ->
                                run.getSpec() == null || run.getSpec().policyRef() == null ? Set.of()
                                        : Set.of(new ResourceID(run.getSpec().policyRef(), run.getMetadata().getNamespace())))
                        .build(),
                context);
        List<EventSource<?, AgentRun>> sources = new ArrayList<>(
                EventSourceUtils.dependentEventSources(context, pvc, configMap, pod, egress, account, role, binding));
        sources.add(policies);
        return sources;
    }

    private static String policyKey(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** The policy a run gets, or why it gets none now. */
    record PolicyChoice(Policy policy, PolicyResource source, String reason, String problem) {
    }

    PolicyChoice choosePolicy(AgentRun run, Context<AgentRun> context) {
        String ref = run.spec().policyRef();
        if (ref == null) {
            return new PolicyChoice(Policy.defaults(), null, null, null);
        }
        Optional<PolicyResource> resource = context.getSecondaryResource(PolicyResource.class);
        if (resource.isEmpty()) {
            return new PolicyChoice(null, null, "PolicyNotFound",
                    "Policy '" + ref + "' does not exist in namespace " + run.getMetadata().getNamespace());
        }
        return switch (PolicyRendering.check(resource.get())) {
            case PolicyRendering.Checked.Valid valid -> new PolicyChoice(valid.policy(), resource.get(), null, null);
            case PolicyRendering.Checked.Invalid invalid -> new PolicyChoice(null, resource.get(), "PolicyInvalid",
                    "Policy '" + ref + "' is rejected: " + invalid.message());
        };
    }

    /** Where the run stands after this reconciliation, before it becomes the status. */
    private record Outcome(String phase, String reason, String message, int attempt, String podName, Duration requeue) {
    }

    @Override
    public UpdateControl<AgentRun> reconcile(AgentRun run, Context<AgentRun> context) {
        AgentRunStatus previous = Optional.ofNullable(run.getStatus()).orElseGet(AgentRunStatus::new);
        List<String> problems = SpecValidation.problems(run);
        boolean specValid = problems.isEmpty();
        PolicyChoice policy = specValid ? choosePolicy(run, context) : new PolicyChoice(null, null, null, null);
        Optional<ConfigMap> rendered = configMap.getSecondaryResource(run, context);
        String policyVersion = previous.getPolicyVersion();

        if (specValid) {
            pvc.reconcile(run, context);
            account.reconcile(run, context);
            role.reconcile(run, context);
            binding.reconcile(run, context);
            if (policy.problem() == null) {
                Policy forRun = PolicyRendering.forRun(policy.policy(), run);
                PolicyConfigMapDependent.render(context, new PolicyConfigMapDependent.Render(forRun, policy.source()));
                rendered = configMap.reconcile(run, context).getSingleResource().or(() -> configMap.getSecondaryResource(run, context));
                policyVersion = forRun.version();
                if (forRun.network().allowed()) {
                    egress.delete(run, context);
                } else {
                    egress.reconcile(run, context);
                }
            }
        }

        Outcome outcome = runOutcome(run, context, previous, specValid, problems, policy, rendered.isPresent());
        AgentRunStatus next = status(run, previous, outcome, problems, policy, policyVersion);
        UpdateControl<AgentRun> control;
        if (Serialization.asJson(next.controllerFields()).equals(Serialization.asJson(previous.controllerFields()))) {
            control = UpdateControl.noUpdate();
        } else {
            AgentRun patch = new AgentRun();
            patch.getMetadata().setName(run.getMetadata().getName());
            patch.getMetadata().setNamespace(run.getMetadata().getNamespace());
            // With server-side apply the patch holds the controller's fields only (field managers keep the runtime's apart);
            // without it, JOSDK sends a JSON patch against the status it read, so the runtime's fields are carried over unchanged.
            patch.setStatus(config.serverSideApply() ? next.controllerFields() : next.controllerFields().withRuntimeFieldsOf(previous));
            control = UpdateControl.patchStatus(patch);
        }
        if (outcome.requeue() != null) {
            control.rescheduleAfter(outcome.requeue());
        }
        return control;
    }

    private Outcome runOutcome(AgentRun run, Context<AgentRun> context, AgentRunStatus previous, boolean specValid,
                               List<String> problems, PolicyChoice policy, boolean configured) {
        int attempt = RuntimePodDependent.attempt(run);
        String name = Children.pod(run, attempt);
        if (previous.finished()) {
            // Finished is final: the pod (kept for its logs) and the volume stay until the AgentRun is deleted.
            return new Outcome(previous.getPhase(), null, previous.getMessage(), attempt, previous.getPodName(), null);
        }
        Optional<Pod> current = pod.getSecondaryResource(run, context);
        PodState state = current.map(PodState::of).orElse(PodState.ABSENT);
        if (state.kind == PodState.Kind.SUCCEEDED) {
            return new Outcome(AgentRunStatus.SUCCEEDED, "RunSucceeded", "the run succeeded in pod " + name, attempt, name, null);
        }
        if (state.kind == PodState.Kind.RUN_FAILED) {
            return new Outcome(AgentRunStatus.FAILED, "RunFailed", "the run failed in pod " + name + ": " + state.detail, attempt, name, null);
        }
        if (run.suspended()) {
            if (current.isPresent()) {
                if (current.get().getMetadata().getDeletionTimestamp() == null) {
                    LOG.info("suspending AgentRun {}/{}: deleting pod {}", run.getMetadata().getNamespace(), run.getMetadata().getName(), name);
                    pod.delete(run, context);
                }
                return new Outcome(AgentRunStatus.SUSPENDED, "Suspending",
                        "suspending: pod " + name + " is pausing the run at a checkpoint; the volume is kept", attempt, name, null);
            }
            return new Outcome(AgentRunStatus.SUSPENDED, "Suspended",
                    "suspended at its last checkpoint; the volume is kept; set spec.suspend to false to resume", attempt, null, null);
        }
        if (state.kind == PodState.Kind.ABSENT && name.equals(previous.getPodName())) {
            return replace(run, previous, attempt, "pod " + name + " was deleted before the run ended");
        }
        if (state.kind == PodState.Kind.DIED) {
            return replace(run, previous, attempt, "pod " + name + " ended before the run did (" + state.detail + ")");
        }
        if (state.kind == PodState.Kind.ABSENT) {
            if (!specValid) {
                return new Outcome(AgentRunStatus.PENDING, "InvalidSpec", String.join("; ", problems), attempt, null, null);
            }
            if (!configured) {
                return new Outcome(AgentRunStatus.PENDING, policy.reason(), policy.problem() + "; the run waits for a valid Policy",
                        attempt, null, null);
            }
            pod.reconcile(run, context);
            return new Outcome(AgentRunStatus.PENDING, "PodCreated", "starting pod " + name
                    + (attempt > 0 ? ", which resumes the run from its checkpoint" : ""), attempt, name, null);
        }
        if (state.kind == PodState.Kind.DELETING) {
            return new Outcome(Optional.ofNullable(previous.getPhase()).orElse(AgentRunStatus.PENDING), "PodDeleting",
                    "pod " + name + " is being deleted; the run will resume in a new pod", attempt, name, null);
        }
        if (state.kind == PodState.Kind.RUNNING) {
            return new Outcome(AgentRunStatus.RUNNING, "PodRunning", "running in pod " + name, attempt, name, null);
        }
        return new Outcome(AgentRunStatus.PENDING, "PodPending", "pod " + name + " is pending" + (state.detail == null ? "" : ": " + state.detail),
                attempt, name, null);
    }

    /** Moves the run to its next attempt, whose pod resumes from the checkpoint; or fails it after too many. */
    private Outcome replace(AgentRun run, AgentRunStatus previous, int attempt, String why) {
        int next = attempt + 1;
        if (next > config.maxRestarts()) {
            return new Outcome(AgentRunStatus.FAILED, "TooManyRestarts", why + "; the run's pod was replaced " + attempt
                    + " times, the most allowed (OPERATOR_MAX_RESTARTS)", attempt, previous.getPodName(), null);
        }
        // The first replacement is immediate; then 2 s, 4 s, ... up to the cap (a model that is down, a crash loop).
        long seconds = next <= 1 ? 0 : Math.min(1L << Math.min(next - 1, 20), config.restartBackoffCap().toSeconds());
        LOG.info("AgentRun {}/{}: {}; attempt {} in {} s", run.getMetadata().getNamespace(), run.getMetadata().getName(), why, next, seconds);
        return new Outcome(AgentRunStatus.PENDING, "Replacing", why + "; the run resumes from its checkpoint in pod "
                + Children.pod(run, next), next, null, Duration.ofMillis(Math.max(50, seconds * 1000)));
    }

    private AgentRunStatus status(AgentRun run, AgentRunStatus previous, Outcome outcome, List<String> problems, PolicyChoice policy,
                                  String policyVersion) {
        Long generation = run.getMetadata().getGeneration();
        AgentRunStatus status = new AgentRunStatus();
        status.setPhase(outcome.phase());
        status.setPodName(outcome.podName());
        status.setRestarts(outcome.attempt() == 0 && previous.getRestarts() == null ? null : outcome.attempt());
        status.setPolicyVersion(policyVersion);
        status.setObservedGeneration(generation);
        String degradedReason;
        String degradedMessage;
        if (!problems.isEmpty()) {
            degradedReason = "InvalidSpec";
            degradedMessage = String.join("; ", problems);
        } else if (policy.problem() != null) {
            degradedReason = policy.reason();
            degradedMessage = policy.problem() + (policyVersion == null ? "" : "; the run keeps policy version " + policyVersion);
        } else if (AgentRunStatus.FAILED.equals(outcome.phase())) {
            degradedReason = outcome.reason() == null ? "RunFailed" : outcome.reason();
            degradedMessage = outcome.message();
        } else {
            degradedReason = null;
            degradedMessage = null;
        }
        String message = outcome.message();
        if (degradedMessage != null && !degradedMessage.equals(message) && !outcome.phase().equals(AgentRunStatus.SUCCEEDED)) {
            message = message == null ? degradedMessage : message + "; " + degradedMessage;
        }
        status.setMessage(message);
        String phase = outcome.phase();
        boolean active = AgentRunStatus.PENDING.equals(phase) || AgentRunStatus.RUNNING.equals(phase);
        String reason = Optional.ofNullable(outcome.reason()).orElse(phase);
        List<Condition> conditions = previous.getConditions();
        status.setConditions(List.of(
                Conditions.of(Conditions.READY, degradedReason == null
                                && (AgentRunStatus.RUNNING.equals(phase) || AgentRunStatus.SUCCEEDED.equals(phase)),
                        degradedReason != null ? degradedReason : reason, message, generation, conditions),
                Conditions.of(Conditions.PROGRESSING, active, reason, outcome.message(), generation, conditions),
                Conditions.of(Conditions.DEGRADED, degradedReason != null, degradedReason == null ? "AsExpected" : degradedReason,
                        degradedMessage == null ? "nothing wrong" : degradedMessage, generation, conditions)));
        return status;
    }

    /** A runtime pod as the controller reads it. */
    record PodState(Kind kind, String detail) {
        enum Kind { ABSENT, PENDING, RUNNING, SUCCEEDED, RUN_FAILED, DIED, DELETING }

        static final PodState ABSENT = new PodState(Kind.ABSENT, null);

        static PodState of(Pod pod) {
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase)) {
                return new PodState(Kind.SUCCEEDED, null);
            }
            if ("Failed".equals(phase)) {
                Optional<ContainerStateTerminated> agent = terminated(pod, RuntimePodDependent.CONTAINER, false);
                Integer exit = agent.map(ContainerStateTerminated::getExitCode).orElse(null);
                String said = agent.map(ContainerStateTerminated::getMessage).map(AgentRunReconciler::lastLine).orElse(null);
                if (exit != null && (exit == 1 || exit == 2)) {
                    return new PodState(Kind.RUN_FAILED, said != null ? said : "exit code " + exit);
                }
                Optional<ContainerStateTerminated> clone = terminated(pod, RuntimePodDependent.CLONE_CONTAINER, true);
                if (clone.isPresent() && clone.get().getExitCode() != null && clone.get().getExitCode() != 0) {
                    return new PodState(Kind.DIED, "cloning the workspace failed: "
                            + Optional.ofNullable(clone.get().getMessage()).map(AgentRunReconciler::lastLine).orElse("exit code " + clone.get().getExitCode()));
                }
                String what = exit == null ? Optional.ofNullable(pod.getStatus().getReason()).orElse("no exit code")
                        : "exit code " + exit + Optional.ofNullable(agent.get().getReason()).map(r -> ", " + r).orElse("")
                        + (exit == 3 ? ", the model did not answer" : "");
                return new PodState(Kind.DIED, what);
            }
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                return new PodState(Kind.DELETING, null);
            }
            if ("Running".equals(phase)) {
                return new PodState(Kind.RUNNING, null);
            }
            String waiting = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? null
                    : Stream.concat(pod.getStatus().getContainerStatuses().stream(),
                            Optional.ofNullable(pod.getStatus().getInitContainerStatuses()).orElse(List.of()).stream())
                    .map(ContainerStatus::getState).filter(s -> s != null && s.getWaiting() != null)
                    .map(s -> s.getWaiting().getReason() + (s.getWaiting().getMessage() == null ? "" : " (" + s.getWaiting().getMessage() + ")"))
                    .findFirst().orElse(null);
            return new PodState(Kind.PENDING, waiting);
        }

        private static Optional<ContainerStateTerminated> terminated(Pod pod, String container, boolean init) {
            List<ContainerStatus> statuses = pod.getStatus() == null ? null
                    : init ? pod.getStatus().getInitContainerStatuses() : pod.getStatus().getContainerStatuses();
            if (statuses == null) {
                return Optional.empty();
            }
            return statuses.stream().filter(s -> container.equals(s.getName())).findFirst()
                    .map(s -> s.getState() == null ? null : s.getState().getTerminated());
        }
    }

    static String lastLine(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? null : lines.get(lines.size() - 1);
    }
}
