package io.devagent.operator;

import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.operator.config.OperatorConfig;
import io.devagent.operator.dependent.Children;
import io.devagent.operator.dependent.RunPolicy;
import io.devagent.operator.dependent.RuntimePodDependent;
import io.devagent.operator.observer.PodState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides where a run stands from what was observed (its pod's state, its spec's problems, its
 * policy), changing nothing: the workflow has made the children already, and the status recorder
 * writes the outcome. The pod of attempt {@code n} is {@code <name>-<n>}; a pod that dies before the
 * run ends moves the run to the next attempt (with a growing pause), whose pod resumes from the
 * checkpoint; a run that fails in its own right is Failed.
 */
final class RunDecision {

    private static final Logger LOG = LoggerFactory.getLogger(RunDecision.class);

    private final OperatorConfig config;

    RunDecision(OperatorConfig config) {
        this.config = config;
    }

    Outcome decide(AgentRun run, AgentRunStatus previous, PodState state, List<String> problems, RunPolicy.Choice policy, boolean rendered) {
        int attempt = RuntimePodDependent.attempt(run);
        String name = Children.pod(run, attempt);
        if (AgentRunStatus.FAILED.equals(previous.getPhase()) && FailedRunRetry.asked(run, previous)) {
            return retry(run, previous, attempt);
        }
        if (previous.finished()) {
            // Finished is final: the pod (kept for its logs) and the volume stay until the AgentRun is deleted.
            return new Outcome(previous.getPhase(), null, previous.getMessage(), attempt, previous.getPodName(), null);
        }
        return switch (state.kind()) {
            case SUCCEEDED -> new Outcome(AgentRunStatus.SUCCEEDED, "RunSucceeded", "the run succeeded in pod " + name, attempt, name, null);
            case RUN_FAILED -> new Outcome(AgentRunStatus.FAILED, "RunFailed", "the run failed in pod " + name + ": " + state.detail(),
                    attempt, name, null);
            default -> run.suspended() ? suspended(state, attempt, name) : active(run, previous, state, problems, policy, rendered, attempt, name);
        };
    }

    private static Outcome suspended(PodState state, int attempt, String name) {
        if (state.kind() != PodState.Kind.ABSENT) {
            return new Outcome(AgentRunStatus.SUSPENDED, "Suspending",
                    "suspending: pod " + name + " is pausing the run at a checkpoint; the volume is kept", attempt, name, null);
        }
        return new Outcome(AgentRunStatus.SUSPENDED, "Suspended",
                "suspended at its last checkpoint; the volume is kept; set spec.suspend to false to resume", attempt, null, null);
    }

    private Outcome active(AgentRun run, AgentRunStatus previous, PodState state, List<String> problems, RunPolicy.Choice policy,
                           boolean rendered, int attempt, String name) {
        return switch (state.kind()) {
            case ABSENT -> {
                if (name.equals(previous.getPodName())) {
                    yield replace(run, previous, attempt, "pod " + name + " was deleted before the run ended");
                }
                if (!problems.isEmpty()) {
                    yield new Outcome(AgentRunStatus.PENDING, "InvalidSpec", String.join("; ", problems), attempt, null, null);
                }
                if (!rendered && !policy.usable()) {
                    yield new Outcome(AgentRunStatus.PENDING, policy.reason(), policy.problem() + "; the run waits for a valid Policy",
                            attempt, null, null);
                }
                // No pod name in the status until the pod is seen: a pod this reconciliation asked for may not be in the
                // cache yet, and a recorded name that is then absent would read as a pod deleted under the run.
                yield new Outcome(AgentRunStatus.PENDING, "PodCreated", "starting pod " + name
                        + (attempt > 0 ? ", which resumes the run from its checkpoint" : ""), attempt, null, null);
            }
            case DIED -> replace(run, previous, attempt, "pod " + name + " ended before the run did (" + state.detail() + ")");
            case DELETING -> new Outcome(Optional.ofNullable(previous.getPhase()).orElse(AgentRunStatus.PENDING), "PodDeleting",
                    "pod " + name + " is being deleted; the run will resume in a new pod", attempt, name, null);
            case RUNNING -> new Outcome(AgentRunStatus.RUNNING, "PodRunning", "running in pod " + name, attempt, name, null);
            default -> new Outcome(AgentRunStatus.PENDING, "PodPending", "pod " + name + " is pending"
                    + (state.detail() == null ? "" : ": " + state.detail()), attempt, name, null);
        };
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
        // "Interrupted" (the Progressing condition's reason): the run's owner is gone, as readers of a local run show it.
        return new Outcome(AgentRunStatus.PENDING, "Interrupted", "interrupted: " + why + "; the run resumes from its checkpoint in pod "
                + Children.pod(run, next), next, null, Duration.ofMillis(Math.max(50, seconds * 1000)));
    }

    /** A Failed run whose spec.retry was raised: a new attempt (pod) goes on from its checkpoint. */
    private Outcome retry(AgentRun run, AgentRunStatus previous, int attempt) {
        int next = attempt + 1;
        LOG.info("AgentRun {}/{}: retry {} asked; attempt {}", run.getMetadata().getNamespace(), run.getMetadata().getName(),
                run.spec().retry(), next);
        return new Outcome(AgentRunStatus.PENDING, "Retrying", "retry " + run.spec().retry() + " asked (spec.retry): the failed run "
                + "goes on from its last checkpoint in pod " + Children.pod(run, next), next, null, Duration.ofMillis(50));
    }
}
