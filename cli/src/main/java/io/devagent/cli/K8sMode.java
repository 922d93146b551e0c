package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.cli.k8s.ChangeSignal;
import io.devagent.cli.k8s.Cluster;
import io.devagent.cli.k8s.Cluster.ClusterException;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunSpec;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.k8s.api.Labels;
import io.devagent.k8s.api.Names;
import io.devagent.k8s.api.PolicyResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code agent --k8s ...}: {@code run}, {@code checkpoints} and {@code policies} on AgentRun and
 * Policy resources in the cluster instead of the local state directory. A run's id is its
 * AgentRun's name. An unreachable cluster exits 3 with one line; a refusal exits 1.
 */
final class K8sMode {

    /** The global options {@code --k8s}, {@code --namespace} and {@code --context}, wherever they were typed. */
    record Options(boolean enabled, String namespace, String context) {
        static Options of(CommandSpec spec) {
            CommandSpec root = spec;
            while (root.parent() != null) {
                root = root.parent();
            }
            AgentCommand agent = (AgentCommand) root.userObject();
            return new Options(agent.k8s, agent.namespace, agent.context);
        }
    }

    /** What {@code agent --k8s run} puts into the AgentRun's spec. */
    record RunRequest(String goal, String name, String modelUrl, String modelName, String apiKeySecret, String policy,
                      String image, String storage, Integer maxSteps, String git, String gitRef, String pvc) {
    }

    private final Options options;
    private final Environment env;
    private final PrintWriter out;
    private final PrintWriter err;

    K8sMode(Options options, Environment env, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.env = env;
        this.out = out;
        this.err = err;
    }

    private interface ClusterWork {
        int run(Cluster cluster) throws ClusterException, InterruptedException;
    }

    /** Runs {@code work} against the cluster, turning client failures into one line and exit 3 (unreachable) or 1. */
    private int withCluster(ClusterWork work) {
        Cluster cluster;
        try {
            cluster = Cluster.connect(env, options.context(), options.namespace());
        } catch (ClusterException e) {
            err.println("error: " + e.getMessage());
            return e.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.USAGE;
        }
        try (cluster) {
            return work.run(cluster);
        } catch (KubernetesClientException e) {
            return fail(cluster.explain(e));
        } catch (ClusterException e) {
            return fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
    }

    private int fail(ClusterException e) {
        err.println("error: " + e.getMessage());
        err.flush();
        return e.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.FAILED;
    }

    // ---------------------------------------------------------------- run

    int run(RunRequest request, boolean json, boolean detach) {
        // No URL: the operator's default model (the chart's model values); without one the AgentRun says so in its status.
        String modelUrl = Optional.ofNullable(request.modelUrl()).or(() -> env.get("LLM_BASE_URL")).orElse(null);
        if (request.name() != null && (!request.name().matches(Names.DNS_SUBDOMAIN) || request.name().length() > 63)) {
            err.println("error: --run-id " + request.name() + " cannot name an AgentRun: lower-case letters, digits, '-' and '.', at most 63");
            return ExitCodes.USAGE;
        }
        if (request.git() != null && request.pvc() != null) {
            err.println("error: give --git or --pvc, not both");
            return ExitCodes.USAGE;
        }
        String name = request.name() != null ? request.name()
                : "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()).toLowerCase(Locale.ROOT);
        AgentRunSpec.SecretKeyRef apiKey = null;
        if (request.apiKeySecret() != null) {
            String[] parts = request.apiKeySecret().split("/", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                err.println("error: --api-key-secret wants SECRET/KEY, e.g. llm-credentials/api-key");
                return ExitCodes.USAGE;
            }
            apiKey = new AgentRunSpec.SecretKeyRef(parts[0], parts[1]);
        }
        AgentRunSpec.Workspace workspace = null;
        if (request.git() != null) {
            workspace = new AgentRunSpec.Workspace(new AgentRunSpec.Git(request.git(), request.gitRef()), null);
        } else if (request.pvc() != null) {
            String[] parts = request.pvc().split("/", 2);
            workspace = new AgentRunSpec.Workspace(null, new AgentRunSpec.Pvc(parts[0], parts.length > 1 ? parts[1] : null));
        }
        AgentRunSpec spec = new AgentRunSpec(request.goal(), workspace,
                K8sModelChoice.of(modelUrl, Optional.ofNullable(request.modelName()).or(() -> env.get("LLM_MODEL")).orElse(null), apiKey),
                request.policy(), request.maxSteps(), null,
                request.storage() == null ? null : new AgentRunSpec.Storage(request.storage(), null), request.image());
        return withCluster(cluster -> {
            AgentRun created = cluster.client().resource(new AgentRun(cluster.namespace(), name, spec)).create();
            String id = created.getMetadata().getName();
            if (detach) {
                out.println(json ? Json.write(Json.object().put("run_id", id).put("status", "running")) : "run_id: " + id);
                out.flush();
                if (!json) {
                    err.println("AgentRun " + cluster.namespace() + "/" + id + " created; follow it with: agent --k8s checkpoints show " + id);
                }
                return ExitCodes.OK;
            }
            return follow(cluster, id, json, Optional.ofNullable(created.getMetadata().getGeneration()).orElse(1L));
        });
    }

    /**
     * Follows an AgentRun until it succeeds, fails or is suspended: {@code run_id} first, progress on
     * stderr, the answer last, the exit code of a local run. Ctrl-C stops following; the run goes on.
     */
    private int follow(Cluster cluster, String name, boolean json, long generation) throws InterruptedException {
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

    /** The snapshot vocabulary of local runs for a phase: running, paused, succeeded, failed. */
    static String localStatus(String phase) {
        if (phase == null) {
            return "running";
        }
        return switch (phase) {
            case AgentRunStatus.SUSPENDED -> "paused";
            case AgentRunStatus.SUCCEEDED -> "succeeded";
            case AgentRunStatus.FAILED -> "failed";
            default -> "running";
        };
    }

    // ---------------------------------------------------------------- checkpoints

    int list(boolean json) {
        return withCluster(cluster -> {
            List<AgentRun> runs = cluster.client().resources(AgentRun.class).inNamespace(cluster.namespace()).list().getItems()
                    .stream().sorted(Comparator.comparing((AgentRun r) -> r.getMetadata().getCreationTimestamp(),
                            Comparator.nullsLast(Comparator.reverseOrder()))).toList();
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                for (AgentRun run : runs) {
                    AgentRunStatus s = Optional.ofNullable(run.getStatus()).orElseGet(AgentRunStatus::new);
                    ObjectNode node = array.addObject().put("run_id", run.getMetadata().getName()).put("goal", run.spec().goal())
                            .put("status", K8sRunStatus.local(s)).put("phase", s.getPhase())
                            .put("current_step", s.getCurrentStep() == null ? 0 : s.getCurrentStep())
                            .put("tokens", s.getTokens() == null ? 0 : s.getTokens())
                            .put("updated_at", s.getReportedAt()).put("created_at", run.getMetadata().getCreationTimestamp());
                    node.put("pod", s.getPodName());
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
        });
    }

    int show(String name) {
        return withCluster(cluster -> {
            var runs = cluster.client().resources(AgentRun.class).inNamespace(cluster.namespace());
            AgentRun run = name != null ? runs.withName(name).get()
                    : runs.list().getItems().stream().max(Comparator.comparing(r -> r.getMetadata().getCreationTimestamp())).orElse(null);
            if (run == null) {
                err.println("error: " + (name == null ? "no AgentRuns in namespace " + cluster.namespace()
                        : "no AgentRun '" + name + "' in namespace " + cluster.namespace()));
                return ExitCodes.FAILED;
            }
            run.getMetadata().setManagedFields(null);
            out.println(Json.pretty(Json.MAPPER.valueToTree(Serialization.unmarshal(Serialization.asJson(run), java.util.Map.class))));
            return ExitCodes.OK;
        });
    }

    int resume(String name, boolean json) {
        return withCluster(cluster -> {
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
                AgentRun patched = resource.patch(new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                        .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE).build(), "{\"spec\":{\"suspend\":false}}");
                generation = Optional.ofNullable(patched.getMetadata().getGeneration()).orElse(generation);
                if (!json) {
                    err.println("unsuspended AgentRun " + cluster.namespace() + "/" + name);
                }
            }
            if (run.getStatus() != null && AgentRunStatus.FAILED.equals(run.getStatus().getPhase())) {
                generation = K8sRetry.ask(resource, run, json ? null : err); // issue 16: a Failed run goes on from its checkpoint
            }
            return follow(cluster, name, json, generation);
        });
    }

    // ---------------------------------------------------------------- policies

    /**
     * Asks the operator to render the Policy again into every run that references it, and waits
     * until each of those runs' ConfigMaps carries the request: the running pods then reload the
     * mounted file. A Policy that does not validate is rejected, and the runs keep the version in force.
     */
    int reloadPolicies(String name, boolean json, Duration wait) {
        return withCluster(cluster -> {
            var policies = cluster.client().resources(PolicyResource.class).inNamespace(cluster.namespace());
            List<PolicyResource> targets = name != null
                    ? Optional.ofNullable(policies.withName(name).get()).map(List::of).orElse(List.of())
                    : policies.list().getItems();
            if (targets.isEmpty()) {
                err.println("error: " + (name == null ? "no Policies in namespace " + cluster.namespace()
                        : "no Policy '" + name + "' in namespace " + cluster.namespace()));
                return ExitCodes.FAILED;
            }
            String token = java.time.Instant.now().toString() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
            // Watched before the request: the operator's answer (the Policy's status, the runs' ConfigMaps) may come at once.
            try (ChangeSignal changes = new ChangeSignal().on(policies)
                    .on(cluster.client().configMaps().inNamespace(cluster.namespace()).withLabel(Labels.POLICY))) {
                for (PolicyResource policy : targets) {
                    policies.withName(policy.getMetadata().getName()).patch(new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                                    .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE).build(),
                            Json.write(Json.object().set("metadata", Json.object().set("annotations",
                                    Json.object().put(PolicyResource.RELOAD_ANNOTATION, token)))));
                }
                long deadline = System.nanoTime() + wait.toNanos();
                ArrayNode results = Json.MAPPER.createArrayNode();
                int exit = ExitCodes.OK;
                for (PolicyResource target : targets) {
                    String policyName = target.getMetadata().getName();
                    ObjectNode result = results.addObject().put("policy", policyName);
                    while (true) {
                        PolicyResource policy = policies.withName(policyName).get();
                        var status = policy == null ? null : policy.getStatus();
                        boolean acted = status != null && token.equals(status.getReloaded());
                        List<ConfigMap> maps = cluster.client().configMaps().inNamespace(cluster.namespace())
                                .withLabel(Labels.POLICY, policyName).list().getItems();
                        long pending = maps.stream().filter(m -> !token.equals(annotation(m, Labels.POLICY_RELOAD))).count();
                        boolean rejected = acted && status.getConditions() != null && status.getConditions().stream()
                                .anyMatch(c -> "Degraded".equals(c.getType()) && "True".equals(c.getStatus()));
                        if (acted && (rejected || pending == 0)) {
                            result.put("ok", !rejected).put("version", status.getVersion()).put("runs", maps.size());
                            if (rejected) {
                                result.put("error", status.getMessage());
                                exit = ExitCodes.FAILED;
                                if (!json) {
                                    err.println("rejected: policy " + policyName + ": " + status.getMessage()
                                            + "; its runs keep the version in force");
                                }
                            } else if (!json) {
                                out.println("reloaded: policy " + policyName + " version " + status.getVersion() + " is rendered into "
                                        + maps.size() + " run" + (maps.size() == 1 ? "" : "s") + "; their pods reload the mounted file");
                            }
                            break;
                        }
                        if (System.nanoTime() > deadline) {
                            result.put("ok", false).put("error", "not propagated within " + wait.toSeconds() + " s");
                            exit = ExitCodes.FAILED;
                            if (!json) {
                                err.println("error: policy " + policyName + ": the operator has not " + (acted ? "re-rendered " + pending
                                        + " of the runs' ConfigMaps" : "acted on the request") + " within " + wait.toSeconds()
                                        + " s; is it running? (kubectl get pods -l app.kubernetes.io/name=dev-agent-operator)");
                            }
                            break;
                        }
                        changes.awaitChange(deadline);
                    }
                }
                if (json) {
                    out.println(Json.write(name != null ? results.get(0) : results));
                }
                return exit;
            }
        });
    }

    int showPolicies(String name) {
        return withCluster(cluster -> {
            var policies = cluster.client().resources(PolicyResource.class).inNamespace(cluster.namespace());
            List<PolicyResource> targets = name != null
                    ? Optional.ofNullable(policies.withName(name).get()).map(List::of).orElse(List.of())
                    : policies.list().getItems();
            if (targets.isEmpty()) {
                err.println("error: " + (name == null ? "no Policies in namespace " + cluster.namespace()
                        : "no Policy '" + name + "' in namespace " + cluster.namespace()));
                return ExitCodes.FAILED;
            }
            for (PolicyResource policy : targets) {
                var status = policy.getStatus();
                out.println("# Policy " + cluster.namespace() + "/" + policy.getMetadata().getName()
                        + (status == null ? " (not yet seen by the operator)" : ", version " + status.getVersion()
                        + (status.getMessage() == null ? "" : "; rejected: " + status.getMessage())));
                out.println(Json.pretty(Json.MAPPER.valueToTree(policy.getSpec() == null ? io.devagent.policy.Policy.defaults() : policy.getSpec())));
            }
            return ExitCodes.OK;
        });
    }

    private static String annotation(ConfigMap map, String key) {
        var annotations = map.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    /** Refuses a local-only option in k8s mode (or a k8s-only one without it) with one line and exit 2. */
    static void refuse(CommandSpec spec, String message) {
        throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
