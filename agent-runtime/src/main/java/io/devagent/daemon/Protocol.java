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
 * {"op":"run", "goal":"Summarize repo", "run_id":"optional-id", "workspace":"/abs/path", "detach":false}
 * {"op":"resume", "run_id":"20261124-154807-3f9a2c", "workspace":"/abs/path", "detach":false}
 * {"op":"ping"}
 * </pre>
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
        ObjectNode request = Json.object().put("op", RUN).put("goal", goal);
        runId.ifPresent(id -> request.put("run_id", id));
        return request.put("workspace", workspace.toAbsolutePath().toString()).put("detach", detach);
    }

    public static ObjectNode resumeRequest(String runId, Path workspace, boolean detach) {
        return Json.object().put("op", RESUME).put("run_id", runId)
                .put("workspace", workspace.toAbsolutePath().toString()).put("detach", detach);
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

    static ObjectNode error(String message, int exitCode) {
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
