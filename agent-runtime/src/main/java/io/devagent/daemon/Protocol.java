package io.devagent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;
import io.devagent.run.RunResult;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The goal handoff protocol between {@code agent run "GOAL"} and the main runtime: JSON lines over
 * the Unix domain socket {@code <state>/agent.sock} (owner-only, mode 0600). One connection carries
 * one request, sent by the client as a single line; the server answers with event lines and closes.
 *
 * <p>Requests:
 * <pre>
 * {"op":"run", "goal":"Summarize repo", "run_id":"optional-id", "continue_from":"optional-id", "workspace":"/abs/path", "detach":false}
 * {"op":"resume", "run_id":"20261124-154807-3f9a2c", "workspace":"/abs/path", "detach":false}
 * {"op":"answer", "run_id":"…", "approved":true, "reason":"optional", "by":"cli (alice)", "workspace":"/abs/path", "detach":false}
 * {"op":"ping"}
 * {"op":"pause", "run_id":"…", "reason":"optional"}      pause one run in flight here (by a person)
 * {"op":"cancel", "run_id":"…", "reason":"optional"}     end one run in flight here as cancelled
 * </pre>
 * {@code answer} answers a run that is {@code awaiting_approval} and resumes it: the events that follow
 * are those of a {@code resume}; a run that is not waiting gets an {@code error} with exit code 2.
 * {@code pause} and {@code cancel} are answered, once the run has saved itself, with
 * {@code {"event":"controlled", "run_id", "action"}}, or {@code {"event":"not_here", "run_id"}} when
 * this runtime does not run it (the client then acts on the run's own process, or on its checkpoint).
 * {@code workspace} is the client's workspace: the runtime refuses a goal meant for another
 * workspace rather than run it on its own (exit code 2). {@code run_id} is optional for {@code run}.
 *
 * <p>Events, in order:
 * <pre>
 * {"event":"started", "run_id":"…", "resumed":false, "pid":4711}
 * {"event":"progress", "run_id":"…", "step":2, "tokens":1234, "activity":"read_file README.md"}   (any number)
 * {"event":"result", "run_id":"…", "status":"succeeded", "answer":"…", "steps":3, "tokens":1500,
 *  "usage":{"prompt":1200,"completion":300,"total":1500}, "message":null, "model_unavailable":false}
 * </pre>
 * With {@code "detach":true} the server closes the connection after {@code started}; the run goes on.
 * A run that cannot start gets one {@code {"event":"error", "message":"…", "exit_code":N}} instead,
 * with the CLI's exit code: 1 the run cannot start or go on (including "the runtime is stopping"),
 * 2 a bad request, 3 the model cannot be reached. {@code ping} is answered with
 * {@code {"event":"pong", "pid":4711, "workspace":"…", "runs":2}}.
 *
 * <p>A result whose {@code status} is {@code paused} was paused because the runtime is stopping
 * (SIGTERM or SIGINT), or, with {@code model_unavailable}, because no model answered. A client that
 * goes away does not stop its run: progress is only dropped.
 */
public final class Protocol {

    public static final String RUN = "run";
    public static final String RESUME = "resume";
    public static final String PING = "ping";
    public static final String ANSWER = "answer";
    public static final String PAUSE = "pause";
    public static final String CANCEL = "cancel";
    public static final String CONTROLLED = "controlled";
    public static final String NOT_HERE = "not_here";

    public static final String STARTED = "started";
    public static final String PROGRESS = "progress";
    public static final String RESULT = "result";
    public static final String ERROR = "error";
    public static final String PONG = "pong";

    /** Exit codes carried by {@code error} events (SPEC.md's). */
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNREACHABLE = 3;

    /** The longest request line the server reads. */
    static final int MAX_REQUEST_BYTES = 1 << 20;

    private Protocol() {
    }

    public static ObjectNode runRequest(String goal, Optional<String> runId, Path workspace, boolean detach) {
        return runRequest(goal, runId, Optional.empty(), workspace, detach);
    }

    /** With {@code continue_from}: a follow-up of that finished run ({@code agent run --continue}). */
    public static ObjectNode runRequest(String goal, Optional<String> runId, Optional<String> continueFrom, Path workspace,
                                        boolean detach) {
        ObjectNode request = Json.object().put("op", RUN).put("goal", goal);
        runId.ifPresent(id -> request.put("run_id", id));
        continueFrom.ifPresent(id -> request.put("continue_from", id));
        return request.put("workspace", workspace.toAbsolutePath().toString()).put("detach", detach);
    }

    public static ObjectNode resumeRequest(String runId, Path workspace, boolean detach) {
        return Json.object().put("op", RESUME).put("run_id", runId)
                .put("workspace", workspace.toAbsolutePath().toString()).put("detach", detach);
    }

    public static ObjectNode answerRequest(String runId, boolean approved, String reason, String by, Path workspace, boolean detach) {
        ObjectNode request = Json.object().put("op", ANSWER).put("run_id", runId).put("approved", approved);
        if (reason != null) {
            request.put("reason", reason);
        }
        return request.put("by", by).put("workspace", workspace.toAbsolutePath().toString()).put("detach", detach);
    }

    /** A pause ({@link #PAUSE}) or cancel ({@link #CANCEL}) of one run. */
    public static ObjectNode controlRequest(String op, String runId, String reason) {
        ObjectNode request = Json.object().put("op", op).put("run_id", runId);
        if (reason != null) {
            request.put("reason", reason);
        }
        return request;
    }

    static ObjectNode controlled(String runId, String action) {
        return Json.object().put("event", CONTROLLED).put("run_id", runId).put("action", action);
    }

    static ObjectNode notHere(String runId) {
        return Json.object().put("event", NOT_HERE).put("run_id", runId);
    }

    public static ObjectNode pingRequest() {
        return Json.object().put("op", PING);
    }

    static ObjectNode started(String runId, boolean resumed) {
        return Json.object().put("event", STARTED).put("run_id", runId).put("resumed", resumed)
                .put("pid", ProcessHandle.current().pid());
    }

    static ObjectNode progress(String runId, int step, long tokens, String activity) {
        return Json.object().put("event", PROGRESS).put("run_id", runId).put("step", step).put("tokens", tokens)
                .put("activity", activity);
    }

    static ObjectNode result(RunResult result) {
        ObjectNode node = Json.object().put("event", RESULT).put("run_id", result.runId()).put("status", result.status());
        if (result.answer() == null) {
            node.putNull("answer");
        } else {
            node.put("answer", result.answer());
        }
        Tokens tokens = result.tokens() == null ? Tokens.ZERO : result.tokens();
        node.put("steps", result.steps()).put("tokens", tokens.total());
        node.putObject("usage").put("prompt", tokens.prompt()).put("completion", tokens.completion()).put("total", tokens.total());
        if (result.message() == null) {
            node.putNull("message");
        } else {
            node.put("message", result.message());
        }
        return node.put("model_unavailable", result.modelUnavailable());
    }

    public static ObjectNode error(String message, int exitCode) {
        return Json.object().put("event", ERROR).put("message", message).put("exit_code", exitCode);
    }

    /** The run result a {@code result} event describes. */
    static RunResult resultOf(JsonNode event) {
        JsonNode usage = event.path("usage");
        long total = event.path("tokens").asLong();
        Tokens tokens = new Tokens(usage.path("prompt").asLong(), usage.path("completion").asLong(), usage.path("total").asLong(total));
        return new RunResult(event.path("run_id").asText(), event.path("status").asText(),
                text(event, "answer"), event.path("steps").asInt(), tokens, text(event, "message"),
                event.path("model_unavailable").asBoolean(false));
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
