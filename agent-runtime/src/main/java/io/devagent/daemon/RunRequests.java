package io.devagent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.model.ModelUnavailableException;
import io.devagent.run.Agent;
import io.devagent.run.RunException;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Serves the requests of {@link Protocol}: runs and resumes (each hosted on the connection's thread
 * and followed by its client), per-run pause and cancel, and ping.
 */
final class RunRequests {

    /** How long the last events may take to reach a follower before its connection is closed. */
    static final Duration FLUSH_GRACE = Duration.ofSeconds(5);

    private final Agent agent;
    private final RunRegistry registry;
    private final RuntimeLog log;
    private final Path workspace;
    private final long pid;
    private final io.devagent.run.AgentConfig config;

    RunRequests(Agent agent, RunRegistry registry, RuntimeLog log, Path workspace, long pid, io.devagent.run.AgentConfig config) {
        this.config = config;
        this.agent = agent;
        this.registry = registry;
        this.log = log;
        this.workspace = workspace;
        this.pid = pid;
    }

    /** One connection: reads its request and answers it. */
    void handle(SocketChannel channel) {
        Connection connection = new Connection(channel);
        try {
            JsonNode request;
            try {
                request = SocketServer.readRequest(channel);
            } catch (IOException e) {
                connection.send(Protocol.error("unreadable request: " + e.getMessage(), Protocol.EXIT_USAGE), false);
                return;
            }
            if (request == null) {
                return; // connected and went away: a liveness probe
            }
            String op = request.path("op").asText("");
            switch (op) {
                case Protocol.PING -> connection.send(Json.object().put("event", Protocol.PONG).put("pid", pid)
                        .put("workspace", workspace.toString()).put("runs", registry.ids().size()), false);
                case Protocol.RUN, Protocol.RESUME -> host(connection, request, Protocol.RESUME.equals(op));
                case Protocol.PAUSE, Protocol.CANCEL -> connection.send(control(request, Protocol.CANCEL.equals(op)), false);
                case Protocol.ANSWER -> {
                    // A person's answer to a run awaiting approval: recorded in its journal, then the run resumes here.
                    var resume = AnswerOp.take(request, config.state(),
                            io.devagent.audit.Redactor.from(config.env(), config.policy().get().redact()));
                    if (Protocol.ERROR.equals(resume.path("event").asText())) {
                        connection.send(resume, false);
                    } else {
                        host(connection, resume, true);
                    }
                }
                default -> connection.send(Protocol.error("unknown op '" + op + "'; expected run, resume, answer, pause, cancel or ping",
                        Protocol.EXIT_USAGE), false);
            }
        } catch (RuntimeException e) {
            log.log("a connection failed: " + e);
            connection.send(Protocol.error("internal error in the main runtime", Protocol.EXIT_FAILED), false);
        } finally {
            connection.close(FLUSH_GRACE);
        }
    }

    /** Pauses (by a person) or cancels one run in flight here; the answer says whether this runtime had it. */
    private com.fasterxml.jackson.databind.node.ObjectNode control(JsonNode request, boolean cancel) {
        String runId = Protocol.text(request, "run_id");
        String reason = Optional.ofNullable(Protocol.text(request, "reason")).filter(r -> !r.isBlank())
                .orElse(cancel ? "cancelled by a person" : "paused by a person");
        Optional<RunRegistry.ActiveRun> run = registry.find(runId);
        if (run.isEmpty()) {
            return Protocol.notHere(runId);
        }
        if (cancel) {
            run.get().control.requestCancel(reason);
        } else {
            run.get().control.requestPause(reason, Snapshot.BY_PERSON);
        }
        log.log("run " + runId + (cancel ? " cancel" : " pause") + " requested: " + log.redact(reason));
        // The answer comes once the run has saved itself, so that the asker reads the new status right after.
        RunRegistry.await(run.get(), Duration.ofMinutes(3));
        return Protocol.controlled(runId, cancel ? Protocol.CANCEL : Protocol.PAUSE);
    }

    /** Runs or resumes the request's run on this thread; {@code follower} hears its events. */
    void host(Follower follower, JsonNode request, boolean resume) {
        String goal = Protocol.text(request, "goal");
        String runId = Protocol.text(request, "run_id");
        boolean detach = request.path("detach").asBoolean(false);
        if (!resume && (goal == null || goal.isBlank())) {
            follower.send(Protocol.error("the goal is empty", Protocol.EXIT_USAGE), false);
            return;
        }
        if (resume && (runId == null || runId.isBlank())) {
            follower.send(Protocol.error("resume needs a run_id", Protocol.EXIT_USAGE), false);
            return;
        }
        String mismatch = workspaceMismatch(Protocol.text(request, "workspace"));
        if (mismatch != null) {
            log.log("refused a goal: " + mismatch);
            follower.send(Protocol.error(mismatch, Protocol.EXIT_USAGE), false);
            return;
        }
        RunRegistry.ActiveRun run = registry.register(runId);
        if (run == null) {
            follower.send(Protocol.error("the main runtime is stopping and takes no new runs; try again when it is back",
                    Protocol.EXIT_FAILED), false);
            return;
        }
        boolean selfHealed = request.path("self_healing").asBoolean(false);
        RunListener listener = new RunListener() {
            @Override
            public void started(String id, boolean resumed) {
                run.runId = id;
                Thread.currentThread().setName("run-" + id);
                log.log(selfHealed ? "run " + id + " resumed by itself (interrupted before this start)"
                        : resumed ? "run " + id + " resumed" : "run " + id + " started: " + log.describe(goal));
                follower.send(Protocol.started(id, resumed), false);
                if (detach) {
                    follower.close(FLUSH_GRACE);
                }
            }

            @Override
            public void progress(int step, long totalTokens, String activity) {
                follower.send(Protocol.progress(run.runId, step, totalTokens, activity), true);
            }
        };
        try {
            RunResult result = resume
                    ? agent.resume(runId, run.control, listener)
                    : agent.start(goal, Optional.ofNullable(runId), Optional.ofNullable(Protocol.text(request, "continue_from")),
                            run.control, listener);
            log.log(ended(result));
            follower.send(Protocol.result(result), false);
        } catch (ModelUnavailableException e) {
            log.log(notStarted(run, resume, runId) + e.getMessage());
            follower.send(Protocol.error(e.getMessage(), Protocol.EXIT_UNREACHABLE), false);
        } catch (RunException e) {
            log.log(notStarted(run, resume, runId) + e.getMessage());
            follower.send(Protocol.error(e.getMessage(), Protocol.EXIT_FAILED), false);
        } catch (InterruptedException e) {
            log.log(notStarted(run, resume, runId) + "interrupted");
            follower.send(Protocol.error("the run was interrupted", Protocol.EXIT_FAILED), false);
        } catch (RuntimeException e) {
            log.log(notStarted(run, resume, runId) + "internal error: " + e);
            follower.send(Protocol.error("internal error in the main runtime", Protocol.EXIT_FAILED), false);
        } finally {
            // The follower has its last event (or has gone) before a stop may close the runtime.
            follower.close(FLUSH_GRACE);
            registry.unregister(run);
        }
    }

    /** A goal is run on the runtime's workspace only: a client elsewhere is told, not silently redirected. */
    String workspaceMismatch(String clientWorkspace) {
        if (clientWorkspace == null || clientWorkspace.isBlank()) {
            return null;
        }
        Path theirs;
        try {
            theirs = Path.of(clientWorkspace).toRealPath();
        } catch (IOException | InvalidPathException e) {
            theirs = Path.of(clientWorkspace).toAbsolutePath().normalize();
        }
        if (theirs.equals(workspace)) {
            return null;
        }
        return "the main runtime (pid " + pid + ") works on " + workspace + ", not " + theirs
                + "; run the goal from that workspace, or use another state directory (--state-dir) for this one";
    }

    private String ended(RunResult result) {
        String id = result.runId();
        String tokens = String.format("%,d tokens", result.tokens() == null ? 0 : result.tokens().total());
        if (result.succeeded()) {
            return "run " + id + " succeeded after " + result.steps() + " step(s), " + tokens;
        }
        if (result.paused()) {
            return "run " + id + " paused at step " + result.steps() + " (" + log.redact(result.message())
                    + "); resume with: agent checkpoints resume " + id;
        }
        return "run " + id + " " + result.status() + " at step " + result.steps() + ": " + log.redact(result.message());
    }

    private static String notStarted(RunRegistry.ActiveRun run, boolean resume, String runId) {
        if (run.runId != null) {
            return "run " + run.runId + " stopped: ";
        }
        return resume ? "run " + runId + " not resumed: " : "goal not started: ";
    }
}
