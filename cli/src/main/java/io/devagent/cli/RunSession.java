package io.devagent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.approval.Approver;
import io.devagent.audit.Redactor;
import io.devagent.run.ApprovalDesk;
import io.devagent.cli.k8s.StatusReporter;
import io.devagent.workspace.BranchPush;
import io.devagent.config.Environment;
import io.devagent.daemon.Protocol;
import io.devagent.daemon.RuntimeClient;
import io.devagent.json.Json;
import io.devagent.model.ModelUnavailableException;
import io.devagent.policy.PolicyHolder;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.state.ControlRequest;
import io.devagent.run.RunException;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.devagent.state.PidFile;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs or resumes a run and reports it the way SPEC.md says (output, --json, exit code): handed to
 * the main runtime when one is alive for the state directory (and followed from here), else in
 * this process. {@code json}: one JSON object at the end instead of the answer as text.
 */
record RunSession(AgentConfig config, Environment env, PrintWriter out, PrintWriter err, boolean json) {

    int start(String goal, Optional<String> runId, boolean detach) {
        return start(goal, runId, Optional.empty(), detach, true);
    }

    /**
     * A new run, or with {@code continueFrom} a follow-up of that run; {@code handOver} false keeps it in this
     * process even when a main runtime is alive (its own model flags).
     */
    int start(String goal, Optional<String> runId, Optional<String> continueFrom, boolean detach, boolean handOver) {
        Optional<RuntimeClient> runtime = handOver ? mainRuntime() : Optional.empty();
        if (runtime.isPresent()) {
            return handOff(runtime.get(), Protocol.runRequest(goal, runId, continueFrom, config.workspace(), detach), detach);
        }
        if (detach) {
            err.println("error: --detach hands the goal to the main runtime, and none is running for " + config.state().root()
                    + "; start one with 'agent run' (no goal), or leave out --detach to run the goal here");
            return ExitCodes.USAGE;
        }
        return execute((agent, control, listener) -> agent.start(goal, runId, continueFrom, control, listener));
    }

    /**
     * Answers a run that waits for approval, then lets it go on: in the main runtime when one is alive
     * (followed from here, or not with {@code detach}), else here.
     */
    int answer(String runId, boolean approved, String reason, boolean detach) {
        String by = "cli (" + System.getProperty("user.name", "unknown") + ")";
        Optional<RuntimeClient> runtime = mainRuntime();
        if (runtime.isPresent()) {
            if (!json) {
                err.println((approved ? "approved" : "denied") + "; run " + runId + " goes on in the main runtime (pid "
                        + runtime.get().runtime().pid() + ")");
            }
            return handOff(runtime.get(), Protocol.answerRequest(runId, approved, reason, by, config.workspace(), detach), detach);
        }
        ApprovalDesk.Answered answered;
        try {
            answered = new ApprovalDesk(config.state(), Redactor.from(config.env(), config.policy().get().redact()))
                    .answer(runId, approved, reason, by);
        } catch (ApprovalDesk.Refused e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("error: cannot record the answer: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        if (!json) {
            err.println((approved ? "approved " : "denied ") + answered.request().summary() + "; run " + runId + " goes on");
        }
        if (detach) {
            err.println("the answer is recorded; continue the run with: agent checkpoints resume " + runId);
            return ExitCodes.OK;
        }
        return execute((agent, control, listener) -> agent.resume(runId, control, listener));
    }

    int resume(String runId) {
        Optional<RuntimeClient> runtime = mainRuntime();
        if (runtime.isPresent()) {
            return handOff(runtime.get(), Protocol.resumeRequest(runId, config.workspace(), false), false);
        }
        return execute((agent, control, listener) -> agent.resume(runId, control, listener));
    }

    /** A connection to the main runtime, if one is alive for this state directory and its socket answers. */
    private Optional<RuntimeClient> mainRuntime() {
        Optional<PidFile.Owner> owner = RuntimeClient.runtime(config.state());
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(RuntimeClient.connect(config.state(), owner.get()));
        } catch (IOException | RuntimeException e) {
            err.println("warning: the main runtime (pid " + owner.get().pid() + ") does not answer on " + config.state().socket()
                    + " (" + e.getMessage() + "); running here instead");
            return Optional.empty();
        }
    }

    /**
     * Hands the request to the main runtime and follows the run: {@code run_id} first, progress on
     * stderr, the answer last, the exit code of a local run. Ctrl-C or a dropped connection leaves
     * the run going in the runtime.
     */
    private int handOff(RuntimeClient client, ObjectNode request, boolean detach) {
        long pid = client.runtime().pid();
        ProgressLine progress = new ProgressLine(err, ProgressLine.detect(json || detach, env));
        AtomicReference<String> followed = new AtomicReference<>();
        AtomicBoolean over = new AtomicBoolean();
        Thread stopFollowing = new Thread(() -> {
            if (over.get()) {
                return;
            }
            progress.end();
            String id = followed.get();
            err.println(id == null
                    ? "stopped waiting; the goal was handed to the main runtime (pid " + pid + "); see it with: agent checkpoints list"
                    : "stopped following run " + id + "; it goes on in the main runtime (pid " + pid + "); follow it again with: agent logs " + id + " --follow");
            err.flush();
        }, "stop-following");
        Runtime.getRuntime().addShutdownHook(stopFollowing);
        RuntimeClient.Outcome outcome;
        try (client) {
            outcome = client.follow(request, new RuntimeClient.Listener() {
                @Override
                public void started(String runId, boolean resumed) {
                    followed.set(runId);
                    if (json && detach) {
                        out.println(Json.write(Json.object().put("run_id", runId).put("status", "running")));
                    } else if (!json) {
                        out.println("run_id: " + runId);
                    }
                    out.flush();
                    if (!json && !detach) {
                        err.println("handed to the main runtime (pid " + pid + ")");
                    }
                    progress.started(runId, resumed);
                }

                @Override
                public void progress(int step, long totalTokens, String activity) {
                    progress.progress(step, totalTokens, activity);
                }
            });
        } catch (IOException e) {
            outcome = new RuntimeClient.Outcome.Lost(followed.get(), e.getMessage());
        } finally {
            over.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(stopFollowing);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook says where the run is
            }
        }
        progress.end();
        int exit = switch (outcome) {
            case RuntimeClient.Outcome.Detached detached -> {
                if (!json) {
                    err.println("run " + detached.runId() + " goes on in the main runtime (pid " + pid
                            + "); inspect it with: agent checkpoints show " + detached.runId());
                }
                yield ExitCodes.OK;
            }
            case RuntimeClient.Outcome.Finished finished -> report(finished.result(), true);
            case RuntimeClient.Outcome.Refused refused -> {
                err.println("error: " + refused.message());
                yield refused.exitCode();
            }
            case RuntimeClient.Outcome.Lost lost -> {
                err.println("error: lost the connection to the main runtime (pid " + pid + "): " + lost.why()
                        + (lost.runId() == null ? "; see the runs with: agent checkpoints list"
                        : "; run " + lost.runId() + " goes on there if the runtime is up; inspect it with: agent checkpoints show " + lost.runId()));
                yield ExitCodes.FAILED;
            }
        };
        out.flush();
        err.flush();
        return exit;
    }

    private interface Execution {
        RunResult run(Agent agent, RunControl control, RunListener listener) throws Exception;
    }

    private int execute(Execution execution) {
        ProgressLine progress = new ProgressLine(err, ProgressLine.detect(json, env));
        // In a pod the operator started, progress also goes into the AgentRun's status (the runtime's fields only).
        Optional<StatusReporter> reporter = StatusReporter.fromEnvironment(env,
                Redactor.from(config.env(), config.policy().get().redact()), err);
        java.util.concurrent.atomic.AtomicReference<String> current = new java.util.concurrent.atomic.AtomicReference<>();
        RunListener listener = new RunListener() {
            @Override
            public void started(String runId, boolean resumed) {
                current.set(runId);
                if (!json) {
                    out.println("run_id: " + runId);
                    out.flush();
                }
                progress.started(runId, resumed);
                reporter.ifPresent(r -> r.started(runId, resumed));
            }

            @Override
            public void finishedEarlier(String runId) {
                if (!json) {
                    out.println("run_id: " + runId);
                    out.flush();
                    err.println("run " + runId + " had already finished; this is how it ended (nothing was run)");
                }
                reporter.ifPresent(r -> r.started(runId, false));
            }

            @Override
            public void progress(int step, long totalTokens, String activity) {
                progress.progress(step, totalTokens, activity);
                reporter.ifPresent(r -> r.progress(step, totalTokens, activity));
            }
        };
        // A person at this terminal answers calls that wait for approval; else the run stops and waits (exit 4).
        Approver approver = TerminalApprover.detect(progress::end);
        RunControl control = new RunControl(approver);
        RunResult result;
        try (AutoCloseable report = () -> reporter.ifPresent(StatusReporter::close);
             AutoCloseable ignored = SignalPause.arm(control, () -> ControlRequest.take(config.state(), current.get()),
                     approver instanceof TerminalApprover t ? t::cancel : () -> { });
             AutoCloseable policyWatch = watchPolicyFile();
             McpTools mcp = McpTools.forLocalRun(config, err)) {
            result = execution.run(mcp.agent(config), control, listener);
            // spec.workspace.git.push: a succeeded run's change goes on as a branch (in the pod, before the final report).
            Optional<BranchPush.Pushed> pushed = PushStep.afterRun(config, env, result, err);
            pushed.ifPresent(p -> reporter.ifPresent(r -> r.pushed(p)));
            reporter.ifPresent(r -> r.finished(result));
        } catch (ModelUnavailableException e) {
            progress.end();
            err.println("error: " + e.getMessage());
            return ExitCodes.UNREACHABLE;
        } catch (RunException e) {
            progress.end();
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        } catch (Exception e) {
            progress.end();
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        progress.end();
        return report(result, false);
    }

    /**
     * A run in this process follows edits of the policy file as the main runtime does (including the
     * symlink swap of a mounted ConfigMap): a new version applies from the next tool call.
     */
    private AutoCloseable watchPolicyFile() {
        if (config.policy() instanceof PolicyHolder holder) {
            try {
                return holder.watch();
            } catch (IOException e) {
                err.println("warning: cannot watch the policy file " + holder.file() + " for changes: " + e.getMessage());
            }
        }
        return () -> {
        };
    }

    /**
     * Prints how the run ended. A run paused in this process was paused by a signal (the JVM then
     * exits 130 or 143 itself); a handed-over run that comes back paused was paused because the main
     * runtime stopped (SIGTERM): 143. A pause because no model answered is 3 either way.
     */
    private int report(RunResult result, boolean handedOff) {
        if (json) {
            var node = Json.object().put("run_id", result.runId()).put("status", result.status());
            if (result.answer() == null) {
                node.putNull("answer");
            } else {
                node.put("answer", result.answer());
            }
            node.put("steps", result.steps()).put("tokens", result.tokens().total());
            if (result.message() != null) {
                node.put("message", result.message());
            }
            out.println(Json.write(node));
        } else if (result.succeeded()) {
            out.println(result.answer());
        } else if (result.awaitingApproval()) {
            err.println("run " + result.runId() + " is " + result.message().replace("; answer with:", "\nanswer with:"));
        } else if (result.paused()) {
            err.println((result.modelUnavailable() ? "error: " + result.message() + "\n" : "")
                    + "paused at step " + result.steps()
                    + (handedOff && !result.modelUnavailable() && result.message() != null ? " (" + result.message() + ")" : "")
                    + "; continue with: agent checkpoints resume " + result.runId());
        } else if (io.devagent.checkpoint.Snapshot.CANCELLED.equals(result.status())) {
            err.println("run " + result.runId() + " cancelled at step " + result.steps() + ": " + result.message());
        } else {
            err.println("error: run " + result.runId() + " failed at step " + result.steps() + ": " + result.message());
        }
        out.flush();
        err.flush();
        if (result.succeeded()) {
            return ExitCodes.OK;
        }
        if (result.awaitingApproval()) {
            return ExitCodes.AWAITING_APPROVAL;
        }
        if (result.paused()) {
            if (result.modelUnavailable()) {
                return ExitCodes.UNREACHABLE;
            }
            return handedOff ? ExitCodes.SIGTERM : ExitCodes.SIGINT;
        }
        return ExitCodes.FAILED;
    }
}
