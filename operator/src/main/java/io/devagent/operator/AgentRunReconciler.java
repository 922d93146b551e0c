package io.devagent.operator;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.k8s.api.PolicyResource;
import io.devagent.operator.config.OperatorConfig;
import io.devagent.operator.dependent.EgressPolicyDependent;
import io.devagent.operator.dependent.NetworkOff;
import io.devagent.operator.dependent.PodWanted;
import io.devagent.operator.dependent.PolicyConfigMapDependent;
import io.devagent.operator.dependent.PolicyRenderable;
import io.devagent.operator.dependent.RunPolicy;
import io.devagent.operator.dependent.RuntimeAccountDependent;
import io.devagent.operator.dependent.RuntimePodDependent;
import io.devagent.operator.dependent.RuntimeRoleBindingDependent;
import io.devagent.operator.dependent.RuntimeRoleDependent;
import io.devagent.operator.dependent.SpecValidOrMade;
import io.devagent.operator.dependent.SpecValidation;
import io.devagent.operator.dependent.StatePvcDependent;
import io.devagent.operator.observer.PodState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles an AgentRun in JOSDK's managed style. The workflow below declares its children, each
 * deriving its desired state from the run and its secondaries, and the conditions under which each
 * exists; JOSDK makes them before {@link #reconcile} is called. The reconciler then observes the
 * runtime pod ({@link PodState}), decides where the run stands ({@link RunDecision}) and records it
 * ({@link StatusRecorder}); a failed reconciliation records the error ({@link #updateErrorStatus}).
 */
@Workflow(dependents = {
        @Dependent(name = "state", type = StatePvcDependent.class, reconcilePrecondition = SpecValidOrMade.class),
        @Dependent(name = "account", type = RuntimeAccountDependent.class, reconcilePrecondition = SpecValidOrMade.class),
        @Dependent(name = "role", type = RuntimeRoleDependent.class, reconcilePrecondition = SpecValidOrMade.class),
        @Dependent(name = "binding", type = RuntimeRoleBindingDependent.class, reconcilePrecondition = SpecValidOrMade.class),
        @Dependent(name = "policy", type = PolicyConfigMapDependent.class, reconcilePrecondition = PolicyRenderable.class),
        // Only while the policy in force turns network off; deleted when it turns network on.
        @Dependent(name = "egress", type = EgressPolicyDependent.class, reconcilePrecondition = NetworkOff.class, dependsOn = "policy"),
        // Only for a valid spec whose policy is rendered; deleted to suspend the run.
        @Dependent(name = "pod", type = RuntimePodDependent.class, reconcilePrecondition = PodWanted.class,
                dependsOn = {"state", "account", "binding", "policy"})
})
@ControllerConfiguration(name = AgentRunReconciler.NAME, fieldManager = AgentRunStatus.CONTROLLER_MANAGER)
public final class AgentRunReconciler implements Reconciler<AgentRun> {

    public static final String NAME = "agentrun";
    static final String POLICY_INDEX = "devagent.io/policyRef";

    private final OperatorConfig config;
    private final RunDecision decision;
    private final StatusRecorder recorder;

    public AgentRunReconciler(OperatorConfig config) {
        this.config = config;
        this.decision = new RunDecision(config);
        this.recorder = new StatusRecorder(config.serverSideApply());
    }

    @Override
    public List<EventSource<?, AgentRun>> prepareEventSources(EventSourceContext<AgentRun> context) {
        // A Policy change reaches the runs that reference it: an index on spec.policyRef maps a Policy to its runs.
        context.getPrimaryCache().addIndexer(POLICY_INDEX, run -> run.getSpec() == null || run.getSpec().policyRef() == null
                ? List.of() : List.of(policyKey(run.getMetadata().getNamespace(), run.getSpec().policyRef())));
        return List.of(new InformerEventSource<>(
                InformerEventSourceConfiguration.from(PolicyResource.class, AgentRun.class)
                        .withName("policies")
                        .withSecondaryToPrimaryMapper(policy -> context.getPrimaryCache()
                                .byIndex(POLICY_INDEX, policyKey(policy.getMetadata().getNamespace(), policy.getMetadata().getName()))
                                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<AgentRun>) run ->
                                run.getSpec() == null || run.getSpec().policyRef() == null ? Set.of()
                                        : Set.of(new ResourceID(run.getSpec().policyRef(), run.getMetadata().getNamespace())))
                        .build(),
                context));
    }

    private static String policyKey(String namespace, String name) {
        return namespace + "/" + name;
    }

    @Override
    public UpdateControl<AgentRun> reconcile(AgentRun run, Context<AgentRun> context) {
        AgentRunStatus previous = Optional.ofNullable(run.getStatus()).orElseGet(AgentRunStatus::new);
        List<String> problems = SpecValidation.problems(run, config.defaultModel());
        RunPolicy.Choice policy = problems.isEmpty() ? RunPolicy.choose(run, context) : new RunPolicy.Choice(null, null, null, null);
        Optional<ConfigMap> rendered = RunPolicy.rendered(run, context);
        String policyVersion = policy.usable() ? policy.policy().version() : previous.getPolicyVersion();
        PodState pod = PodState.observe(run, context);
        Outcome outcome = decision.decide(run, previous, pod, problems, policy, rendered.isPresent());
        return recorder.record(run, previous, outcome, problems, policy, policyVersion);
    }

    @Override
    public ErrorStatusUpdateControl<AgentRun> updateErrorStatus(AgentRun run, Context<AgentRun> context, Exception error) {
        return recorder.recordError(run, error);
    }
}
