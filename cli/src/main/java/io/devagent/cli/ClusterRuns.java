package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.devagent.cli.k8s.Cluster;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code agent --k8s checkpoints list | show [NAME] | resume NAME}: a run's id is its AgentRun's name. */
record ClusterRuns(Cluster cluster, Environment env, PrintWriter out, PrintWriter err) {

    int list(boolean json) {
        List<AgentRun> runs = cluster.client().resources(AgentRun.class).inNamespace(cluster.namespace()).list().getItems()
                .stream().sorted(Comparator.comparing((AgentRun r) -> r.getMetadata().getCreationTimestamp(),
                        Comparator.nullsLast(Comparator.reverseOrder()))).toList();
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (AgentRun run : runs) {
                AgentRunStatus s = Optional.ofNullable(run.getStatus()).orElseGet(AgentRunStatus::new);
                array.addObject().put("run_id", run.getMetadata().getName()).put("goal", run.spec().goal())
                        .put("status", K8sRunStatus.local(s)).put("phase", s.getPhase())
                        .put("current_step", s.getCurrentStep() == null ? 0 : s.getCurrentStep())
                        .put("tokens", s.getTokens() == null ? 0 : s.getTokens())
                        .put("updated_at", s.getReportedAt()).put("created_at", run.getMetadata().getCreationTimestamp())
                        .put("pod", s.getPodName());
            }
            out.println(Json.write(array));
            return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
            out.println("no AgentRuns in namespace " + cluster.namespace());
            return ExitCodes.OK;
        }
        out.printf("%-32s %-10s %5s %9s  %-20s  %s%n", "RUN_ID", "PHASE", "STEP", "TOKENS", "CREATED", "GOAL");
        for (AgentRun run : runs) {
            AgentRunStatus s = Optional.ofNullable(run.getStatus()).orElseGet(AgentRunStatus::new);
            String goal = Optional.ofNullable(run.spec().goal()).orElse("").replaceAll("\\s+", " ");
            out.printf("%-32s %-10s %5d %9d  %-20s  %s%n", run.getMetadata().getName(),
                    "interrupted".equals(K8sRunStatus.local(s)) ? "Interrupted" : Optional.ofNullable(s.getPhase()).orElse("-"),
                    s.getCurrentStep() == null ? 0 : s.getCurrentStep(), s.getTokens() == null ? 0 : s.getTokens(),
                    Optional.ofNullable(run.getMetadata().getCreationTimestamp()).orElse(""),
                    goal.length() > 60 ? goal.substring(0, 60) + "…" : goal);
        }
        return ExitCodes.OK;
    }

    /** The AgentRun {@code name} (null: the newest) as JSON. */
    int show(String name) {
        var runs = cluster.client().resources(AgentRun.class).inNamespace(cluster.namespace());
        AgentRun run = name != null ? runs.withName(name).get()
                : runs.list().getItems().stream().max(Comparator.comparing(r -> r.getMetadata().getCreationTimestamp())).orElse(null);
        if (run == null) {
            err.println("error: " + (name == null ? "no AgentRuns in namespace " + cluster.namespace()
                    : "no AgentRun '" + name + "' in namespace " + cluster.namespace()));
            return ExitCodes.FAILED;
        }
        run.getMetadata().setManagedFields(null);
        out.println(Json.pretty(Json.MAPPER.valueToTree(Serialization.unmarshal(Serialization.asJson(run), Map.class))));
        return ExitCodes.OK;
    }

    /**
     * Suspends AgentRun {@code name}: the operator removes its pod, whose runtime checkpoints the run as it
     * stops, and keeps its volume; {@code resume} unsuspends it.
     */
    int pause(String name, boolean json) {
        var resource = cluster.client().resources(AgentRun.class).inNamespace(cluster.namespace()).withName(name);
        AgentRun run = resource.get();
        if (run == null) {
            err.println("error: no AgentRun '" + name + "' in namespace " + cluster.namespace());
            return ExitCodes.FAILED;
        }
        String phase = run.getStatus() == null ? null : run.getStatus().getPhase();
        if (AgentRunStatus.SUCCEEDED.equals(phase) || AgentRunStatus.FAILED.equals(phase)) {
            err.println("error: run " + name + " has already finished (" + phase.toLowerCase(java.util.Locale.ROOT) + "); there is nothing to pause");
            return ExitCodes.FAILED;
        }
        if (!run.suspended()) {
            resource.patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(), "{\"spec\":{\"suspend\":true}}");
        }
        String via = "AgentRun spec.suspend";
        if (json) {
            out.println(Json.write(Json.object().put("run_id", name).put("status", "paused").put("via", via)));
        } else {
            out.println("run " + name + " paused (through " + via + "; the operator stops its pod and keeps its volume); "
                    + "continue with: agent --k8s checkpoints resume " + name);
        }
        return ExitCodes.OK;
    }

    /** Unsuspends AgentRun {@code name} (a Failed one is retried from its checkpoint) and follows it to its end. */
    int resume(String name, boolean json) throws InterruptedException {
        var resource = cluster.client().resources(AgentRun.class).inNamespace(cluster.namespace()).withName(name);
        AgentRun run = resource.get();
        if (run == null) {
            err.println("error: no AgentRun '" + name + "' in namespace " + cluster.namespace());
            return ExitCodes.FAILED;
        }
        if (run.getStatus() != null && AgentRunStatus.SUCCEEDED.equals(run.getStatus().getPhase())) {
            err.println("error: run " + name + " has already finished (succeeded); there is nothing to resume");
            return ExitCodes.FAILED;
        }
        long generation = Optional.ofNullable(run.getMetadata().getGeneration()).orElse(1L);
        if (run.suspended()) {
            AgentRun patched = resource.patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(),
                    "{\"spec\":{\"suspend\":false}}");
            generation = Optional.ofNullable(patched.getMetadata().getGeneration()).orElse(generation);
            if (!json) {
                err.println("unsuspended AgentRun " + cluster.namespace() + "/" + name);
            }
        }
        if (run.getStatus() != null && AgentRunStatus.FAILED.equals(run.getStatus().getPhase())) {
            generation = K8sRetry.ask(resource, run, json ? null : err); // issue 16: a Failed run goes on from its checkpoint
        }
        return new AgentRunFollower(cluster, env, out, err).follow(name, json, generation);
    }
}
