package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.cli.k8s.Cluster;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows an AgentRun until it succeeds, fails or is suspended: {@code run_id} first, progress on
 * stderr, the answer last, the exit code of a local run. Ctrl-C stops following; the run goes on.
 */
record AgentRunFollower(Cluster cluster, Environment env, PrintWriter out, PrintWriter err) {

    /** Follows AgentRun {@code name} from the operator's answer to spec {@code generation} on. */
    int follow(String name, boolean json, long generation) throws InterruptedException {
        if (!json) {
            out.println("run_id: " + name);
            out.flush();
        }
        ProgressLine progress = new ProgressLine(err, ProgressLine.detect(json, env));
        AtomicBoolean over = new AtomicBoolean();
        Thread stopFollowing = new Thread(() -> {
            if (!over.get()) {
                progress.end();
                err.println("stopped following run " + name + "; it goes on in the cluster; inspect it with: agent --k8s checkpoints show " + name);
                err.flush();
            }
        }, "stop-following");
        Runtime.getRuntime().addShutdownHook(stopFollowing);
        BlockingQueue<Optional<AgentRun>> updates = new LinkedBlockingQueue<>();
        var resource = cluster.client().resources(AgentRun.class).inNamespace(cluster.namespace()).withName(name);
        try (SharedIndexInformer<AgentRun> ignored = resource.inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(AgentRun run) {
                updates.add(Optional.of(run));
            }

            @Override
            public void onUpdate(AgentRun old, AgentRun run) {
                updates.add(Optional.of(run));
            }

            @Override
            public void onDelete(AgentRun run, boolean unknownFinalState) {
                updates.add(Optional.empty());
            }
        }, 0)) {
            String lastLine = null;
            boolean announced = false;
            while (true) {
                Optional<AgentRun> update = updates.poll(2, TimeUnit.SECONDS);
                if (update == null) {
                    continue;
                }
                if (update.isEmpty()) {
                    progress.end();
                    err.println("error: AgentRun " + name + " was deleted");
                    return ExitCodes.FAILED;
                }
                AgentRunStatus status = update.get().getStatus();
                if (status == null || status.getObservedGeneration() == null || status.getObservedGeneration() < generation) {
                    continue; // not yet the operator's answer to this spec (a resumed run still shows its suspension)
                }
                if (!announced && status.getPhase() != null) {
                    progress.started(name, status.getRestarts() != null && status.getRestarts() > 0);
                    announced = true;
                }
                String line = status.getPhase() + "/" + status.getCurrentStep() + "/" + status.getTokens() + "/" + status.getActivity();
                if (!line.equals(lastLine) && status.getCurrentStep() != null) {
                    progress.progress(status.getCurrentStep(), status.getTokens() == null ? 0 : status.getTokens(),
                            Optional.ofNullable(status.getActivity()).orElse(status.getPhase().toLowerCase(Locale.ROOT)));
                }
                lastLine = line;
                if (status.finished() || AgentRunStatus.SUSPENDED.equals(status.getPhase())) {
                    progress.end();
                    return report(name, status, json);
                }
            }
        } finally {
            over.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(stopFollowing);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook says where the run is
            }
        }
    }

    private int report(String name, AgentRunStatus status, boolean json) {
        int steps = status.getCurrentStep() == null ? 0 : status.getCurrentStep();
        long tokens = status.getTokens() == null ? 0 : status.getTokens();
        if (json) {
            ObjectNode node = Json.object().put("run_id", name).put("status", K8sRunStatus.local(status));
            if (status.getAnswer() == null) {
                node.putNull("answer");
            } else {
                node.put("answer", status.getAnswer());
            }
            node.put("steps", steps).put("tokens", tokens).put("phase", status.getPhase());
            if (status.getPush() != null) {
                node.set("push", Json.MAPPER.valueToTree(status.getPush()));
            }
            if (status.getMessage() != null && !status.getPhase().equals(AgentRunStatus.SUCCEEDED)) {
                node.put("message", status.getMessage());
            }
            out.println(Json.write(node));
        } else if (AgentRunStatus.SUCCEEDED.equals(status.getPhase())) {
            AgentRunStatus.PushStatus push = status.getPush();
            if (push != null) {
                err.println("pushed branch " + push.branch() + " at " + push.commit() + " (" + push.files() + " files, +"
                        + push.insertions() + " -" + push.deletions() + ")");
            }
            out.println(status.getAnswer() == null ? "" : status.getAnswer());
        } else if (AgentRunStatus.SUSPENDED.equals(status.getPhase())) {
            err.println("run " + name + " is suspended at step " + steps + "; continue with: agent --k8s checkpoints resume " + name);
        } else {
            err.println("error: run " + name + " failed at step " + steps + ": " + Optional.ofNullable(status.getMessage()).orElse("(no message)"));
        }
        out.flush();
        err.flush();
        return switch (status.getPhase()) {
            case AgentRunStatus.SUCCEEDED -> ExitCodes.OK;
            case AgentRunStatus.SUSPENDED -> ExitCodes.SIGTERM;
            default -> ExitCodes.FAILED;
        };
    }
}
