package io.devagent.operator.observer;

import io.devagent.k8s.api.AgentRun;
import io.devagent.operator.dependent.Children;
import io.devagent.operator.dependent.RuntimePodDependent;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A runtime pod as the controller observes it: how far it got, and a line on why when it matters. */
public record PodState(Kind kind, String detail) {

    public enum Kind { ABSENT, PENDING, RUNNING, SUCCEEDED, RUN_FAILED, DIED, DELETING }

    public static final PodState ABSENT = new PodState(Kind.ABSENT, null);

    /**
     * The pod of the run's current attempt (earlier attempts' pods are kept for their logs): a run's
     * own failure (exit 1, or 2 for a broken policy) apart from a pod that died under it.
     */
    public static PodState observe(AgentRun run, Context<AgentRun> context) {
        String name = Children.pod(run, RuntimePodDependent.attempt(run));
        return context.getSecondaryResourcesAsStream(Pod.class).filter(p -> name.equals(p.getMetadata().getName()))
                .findFirst().map(PodState::of).orElse(ABSENT);
    }

    static PodState of(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase)) {
            return new PodState(Kind.SUCCEEDED, null);
        }
        if ("Failed".equals(phase)) {
            Optional<ContainerStateTerminated> agent = terminated(pod, RuntimePodDependent.CONTAINER, false);
            Integer exit = agent.map(ContainerStateTerminated::getExitCode).orElse(null);
            String said = agent.map(ContainerStateTerminated::getMessage).map(PodState::lastLine).orElse(null);
            if (exit != null && (exit == 1 || exit == 2)) {
                return new PodState(Kind.RUN_FAILED, said != null ? said : "exit code " + exit);
            }
            Optional<ContainerStateTerminated> clone = terminated(pod, RuntimePodDependent.CLONE_CONTAINER, true);
            if (clone.isPresent() && clone.get().getExitCode() != null && clone.get().getExitCode() != 0) {
                return new PodState(Kind.DIED, "cloning the workspace failed: "
                        + Optional.ofNullable(clone.get().getMessage()).map(PodState::lastLine).orElse("exit code " + clone.get().getExitCode()));
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

    static String lastLine(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? null : lines.get(lines.size() - 1);
    }
}
