package io.devagent.cli.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.Redactor;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.k8s.api.AgentRun;
import io.devagent.k8s.api.AgentRunStatus;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runtime's side of an AgentRun's status. In a pod the operator started, {@code agent run}
 * reports the run's progress (run id, step, tokens, activity) and, at the end, its answer into the
 * AgentRun's status subresource. It writes only the fields {@link AgentRunStatus} gives the runtime,
 * as field manager {@value AgentRunStatus#RUNTIME_MANAGER}: with server-side apply (the default) the
 * API server keeps them apart from the controller's; without it (test API servers, see
 * {@code AGENT_K8S_SSA}) it sends a JSON merge patch of those fields only. Reports are sent off the
 * run's thread, newest first (an older one not yet sent is dropped), at most one per
 * {@link #MIN_INTERVAL}; a failure to report never stops the run and is said once on stderr.
 * <p>
 * Set by the operator in the pod: {@code AGENT_K8S_AGENTRUN} (the AgentRun's name),
 * {@code AGENT_K8S_NAMESPACE}, {@code AGENT_K8S_SSA}.
 */
public final class StatusReporter implements RunListener, AutoCloseable {

    static final Duration MIN_INTERVAL = Duration.ofMillis(250);
    static final int MAX_ANSWER_CHARS = 32 * 1024;
    private static final int MAX_ACTIVITY_CHARS = 200;

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final boolean serverSideApply;
    private final Redactor redactor;
    private final PrintWriter err;
    private final Object lock = new Object();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final Thread sender;
    private ObjectNode pending;
    private boolean sending;
    private boolean closed;
    private String runId;
    private int step;
    private long tokens;
    private boolean counted; // step and tokens are known (not before the first progress of a resumed run)
    /** Sent with every later report: with server-side apply, a field left out of a manager's apply is removed. */
    private ObjectNode push;

    private StatusReporter(KubernetesClient client, String namespace, String name, boolean serverSideApply, Redactor redactor,
                           PrintWriter err) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.serverSideApply = serverSideApply;
        this.redactor = redactor;
        this.err = err;
        this.sender = Thread.ofPlatform().daemon().name("agentrun-status").start(this::sendLoop);
    }

    /** A reporter when the environment names an AgentRun to report to, else none. */
    public static Optional<StatusReporter> fromEnvironment(Environment env, Redactor redactor, PrintWriter err) {
        Optional<String> name = env.get("AGENT_K8S_AGENTRUN");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        try {
            // In the pod: the service account the operator gave it, which may patch this AgentRun's status only.
            KubernetesClient client = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(
                            io.fabric8.kubernetes.client.Config.autoConfigure(null))
                    .withConnectionTimeout(5_000).withRequestTimeout(10_000).withRequestRetryBackoffLimit(2).build()).build();
            String namespace = env.get("AGENT_K8S_NAMESPACE").orElseGet(() -> Optional.ofNullable(client.getNamespace()).orElse("default"));
            return Optional.of(new StatusReporter(client, namespace, name.get(), env.flag("AGENT_K8S_SSA", true), redactor, err));
        } catch (RuntimeException e) {
            err.println("warning: cannot report progress to AgentRun " + name.get() + ": " + Cluster.firstLine(e.getMessage()));
            return Optional.empty();
        }
    }

    @Override
    public void started(String runId, boolean resumed) {
        synchronized (lock) {
            this.runId = runId;
        }
        report(null, resumed ? "resumed" : "started");
    }

    @Override
    public void progress(int step, long totalTokens, String activity) {
        synchronized (lock) {
            this.step = step;
            this.tokens = totalTokens;
            this.counted = true;
        }
        report(null, activity);
    }

    /** The run ended in this process: its steps, tokens and answer, sent before this returns (within a few seconds). */
    public void finished(RunResult result) {
        synchronized (lock) {
            this.runId = result.runId();
            this.step = result.steps();
            this.tokens = result.tokens().total();
            this.counted = true;
        }
        String answer = result.answer();
        if (answer != null && answer.length() > MAX_ANSWER_CHARS) {
            answer = answer.substring(0, MAX_ANSWER_CHARS) + "… (truncated; the whole answer is in the run's snapshot)";
        }
        report(answer, result.status());
        flush(Duration.ofSeconds(10));
    }

    /** The run's change was pushed as a branch: the status says where, at which commit, and how big it was. */
    public void pushed(io.devagent.workspace.BranchPush.Pushed pushed) {
        synchronized (lock) {
            push = Json.object().put("branch", pushed.branch()).put("commit", pushed.commit()).put("files", pushed.files())
                    .put("insertions", pushed.insertions()).put("deletions", pushed.deletions());
        }
    }

    private void report(String answer, String activity) {
        ObjectNode status = Json.object();
        synchronized (lock) {
            if (runId != null) {
                status.put("runId", runId);
            }
            if (counted) {
                status.put("currentStep", step).put("tokens", tokens);
            }
            if (activity != null) {
                String a = redactor.redact(activity.replaceAll("\\s+", " "));
                status.put("activity", a.length() > MAX_ACTIVITY_CHARS ? a.substring(0, MAX_ACTIVITY_CHARS) + "…" : a);
            }
            if (answer != null) {
                status.put("answer", answer);
            }
            if (push != null) {
                status.set("push", push.deepCopy());
            }
            status.put("reportedAt", Instant.now().toString());
            pending = status;
            lock.notifyAll();
        }
    }

    private void sendLoop() {
        while (true) {
            ObjectNode next;
            synchronized (lock) {
                while (pending == null && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending == null) {
                    return;
                }
                next = pending;
                pending = null;
                sending = true;
            }
            send(next);
            synchronized (lock) {
                sending = false;
                lock.notifyAll();
            }
            long until = System.nanoTime() + MIN_INTERVAL.toNanos();
            synchronized (lock) {
                long left;
                while (!closed && (left = until - System.nanoTime()) > 0) {
                    try {
                        lock.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private void send(ObjectNode status) {
        try {
            var resource = client.resources(AgentRun.class).inNamespace(namespace).withName(name).subresource("status");
            if (serverSideApply) {
                ObjectNode apply = Json.object().put("apiVersion", HasMetadata.getApiVersion(AgentRun.class))
                        .put("kind", HasMetadata.getKind(AgentRun.class));
                apply.putObject("metadata").put("name", name).put("namespace", namespace);
                apply.set("status", status);
                resource.patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                        .withFieldManager(AgentRunStatus.RUNTIME_MANAGER).withForce(true).build(), Json.write(apply));
            } else {
                ObjectNode merge = Json.object();
                merge.set("status", status);
                // No fieldManager parameter here: fabric8's mock API server ignores a merge patch that carries one.
                resource.patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(), Json.write(merge));
            }
        } catch (RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                err.println("warning: cannot report progress to AgentRun " + namespace + "/" + name + " (the run goes on): "
                        + Cluster.firstLine(e.getMessage()));
                err.flush();
            }
        }
    }

    /** Waits until what has been reported so far is sent, or the deadline passes. */
    void flush(Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        synchronized (lock) {
            long left;
            while ((pending != null || sending) && (left = until - System.nanoTime()) > 0) {
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        flush(Duration.ofSeconds(5));
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            sender.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
