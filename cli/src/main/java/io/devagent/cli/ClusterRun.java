package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.k8s.api.Names;

import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code agent --k8s run GOAL}: an AgentRun made of the request, created, then followed to its end or
 * (with {@code --detach}) left to run. What cannot make an AgentRun is refused here, before the cluster.
 */
record ClusterRun(Environment env, PrintWriter out, PrintWriter err) {

    int run(RunRequest request, ClusterConnection connection) {
        if (request.continueFrom() != null) {
            return usage("--continue is for local runs and the main runtime, not --k8s; see 'agent run --help'");
        }
        if (request.replay() != null || request.goal() == null) {
            return usage("agent --k8s run wants a GOAL (the main runtime and --replay are local)");
        }
        if (request.goal().isBlank()) {
            return usage("the goal is empty; give one, e.g. agent --k8s run \"Summarize repo\"");
        }
        RunRequest.AgentRunOptions o = Optional.ofNullable(request.agentRun()).orElse(RunRequest.AgentRunOptions.NONE);
        String requested = request.runId();
        if (requested != null && (!requested.matches(Names.DNS_SUBDOMAIN) || requested.length() > 63)) {
            return usage("--run-id " + requested + " cannot name an AgentRun: lower-case letters, digits, '-' and '.', at most 63");
        }
        if (o.git() != null && o.pvc() != null) {
            return usage("give --git or --pvc, not both");
        }
        AgentRunSpec.SecretKeyRef apiKey = null;
        if (o.apiKeySecret() != null) {
            String[] parts = o.apiKeySecret().split("/", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                return usage("--api-key-secret wants SECRET/KEY, e.g. llm-credentials/api-key");
            }
            apiKey = new AgentRunSpec.SecretKeyRef(parts[0], parts[1]);
        }
        String name = requested != null ? requested
                : "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()).toLowerCase(Locale.ROOT);
        // No URL: the operator's default model (the chart's model values); without one the AgentRun says so in its status.
        String modelUrl = Optional.ofNullable(request.baseUrl()).or(() -> env.get("LLM_BASE_URL")).orElse(null);
        String modelName = Optional.ofNullable(request.model()).or(() -> env.get("LLM_MODEL")).orElse(null);
        AgentRunSpec spec = new AgentRunSpec(request.goal(), workspace(o), K8sModelChoice.of(modelUrl, modelName, apiKey),
                o.policy(), o.maxSteps(), null, o.storage() == null ? null : new AgentRunSpec.Storage(o.storage(), null), o.image());
        boolean json = request.json();
        return connection.call(cluster -> {
            AgentRun created = cluster.client().resource(new AgentRun(cluster.namespace(), name, spec)).create();
            String id = created.getMetadata().getName();
            if (request.detach()) {
                out.println(json ? Json.write(Json.object().put("run_id", id).put("status", "running")) : "run_id: " + id);
                out.flush();
                if (!json) {
                    err.println("AgentRun " + cluster.namespace() + "/" + id + " created; follow it with: agent --k8s checkpoints show " + id);
                }
                return ExitCodes.OK;
            }
            return new AgentRunFollower(cluster, env, out, err)
                    .follow(id, json, Optional.ofNullable(created.getMetadata().getGeneration()).orElse(1L));
        });
    }

    private static AgentRunSpec.Workspace workspace(RunRequest.AgentRunOptions o) {
        if (o.git() != null) {
            return new AgentRunSpec.Workspace(new AgentRunSpec.Git(o.git(), o.gitRef()), null);
        }
        if (o.pvc() != null) {
            String[] parts = o.pvc().split("/", 2);
            return new AgentRunSpec.Workspace(null, new AgentRunSpec.Pvc(parts[0], parts.length > 1 ? parts[1] : null));
        }
        return null;
    }

    private int usage(String message) {
        err.println("error: " + message);
        return ExitCodes.USAGE;
    }
}
