package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.checkpoint.Snapshot.Tokens;
import io.devagent.json.Json;
import io.devagent.metrics.Metrics;
import io.devagent.model.MalformedReplyException;
import io.devagent.model.ModelClient;
import io.devagent.model.ModelReply;
import io.devagent.model.ModelRequestException;
import io.devagent.model.ModelSettings.ToolMode;
import io.devagent.model.ModelUnavailableException;
import io.devagent.model.ToolCall;
import io.devagent.policy.Globs;
import io.devagent.policy.Policy;
import io.devagent.tool.Tool;
import io.devagent.tool.ToolContext;
import io.devagent.tool.ToolException;
import io.devagent.tool.ToolRegistry;
import io.devagent.tool.ToolResult;
import io.devagent.tool.Workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One execution of a run, top to bottom: goal → model request → tool calls → checkpoint → audit,
 * step after step, until the model answers without a tool call, a limit is hit, or a pause is asked.
 * Each step is exactly one model request, and a step counts only once its journal entry is committed.
 */
final class RunLoop {

    private static final int AUDIT_OUTPUT_EXCERPT = 2000;

    private final String runId;
    private final String goal;
    private final String model;
    private final String createdAt;
    private final RunJournal journal;
    private final AuditLog audit;
    private final Checkpoints checkpoints;
    private final Workspace workspace;
    private final ModelClient client;
    private final ToolRegistry tools;
    private final Metrics metrics;
    private final AgentConfig config;
    private final Redactor redactor;
    private final RunControl control;
    private final RunListener listener;
    private final Conversation conversation;

    private int step;
    private Tokens tokens;
    private String plan;
    private String lastTool;
    private boolean textMode;

    RunLoop(RunJournal.Recovered run, RunJournal journal, AuditLog audit, Checkpoints checkpoints, Workspace workspace,
            ModelClient client, ToolRegistry tools, Metrics metrics, AgentConfig config, Redactor redactor, RunControl control,
            RunListener listener) {
        this.runId = run.runId();
        this.goal = run.goal();
        this.model = client.settings().model().orElse(run.model());
        this.createdAt = run.createdAt();
        this.journal = journal;
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.workspace = workspace;
        this.client = client;
        this.tools = tools;
        this.metrics = metrics;
        this.config = config;
        this.redactor = redactor;
        this.control = control;
        this.listener = listener;
        this.conversation = new Conversation(goal);
        run.steps().forEach(conversation::addAll);
        this.step = run.currentStep();
        this.tokens = run.tokens();
        this.plan = run.plan();
        this.textMode = client.settings().toolMode() == ToolMode.TEXT || "text".equals(run.toolMode());
    }

    RunResult run(boolean resumed) throws RunException, InterruptedException {
        try {
            audit.append(resumed ? "run_resumed" : "run_started", Json.object().put("goal", goal).put("model", model)
                    .put("workspace", workspace.root().toString()).put("current_step", step)
                    .put("policy_network", config.policy().get().network().allowed()));
            if (resumed) {
                journal.status(Snapshot.RUNNING, null, "resumed at step " + step);
            }
            saveSnapshot(Snapshot.RUNNING, null, null);
            audit.sync();
        } catch (IOException | CheckpointException e) {
            throw new RunException("cannot write the run's checkpoint: " + e.getMessage());
        }
        listener.started(runId, resumed);
        try {
            return loop();
        } catch (IOException | CheckpointException e) {
            // The journal holds every committed step; the run stops rather than go on unsaved.
            metrics.recordError("checkpoint_failed");
            String message = "stopped: cannot write the checkpoint (" + e.getMessage() + "); the last committed step is intact";
            try {
                finish(Snapshot.FAILED, null, message);
            } catch (IOException | CheckpointException ignored) {
                // the disk refuses even the failure record: the journal stays as it was, resumable
            }
            return result(Snapshot.FAILED, null, message, false);
        }
    }

    private RunResult loop() throws IOException, CheckpointException, InterruptedException {
        while (true) {
            Policy policy = config.policy().get();
            if (control.pauseRequested()) {
                return pause(control.reason(), false);
            }
            if (step >= policy.limits().maxSteps()) {
                return finish(Snapshot.FAILED, null, "stopped: the step limit (limits.maxSteps = " + policy.limits().maxSteps() + ") was reached");
            }
            if (tokens.total() >= policy.limits().maxTokens()) {
                return finish(Snapshot.FAILED, null, "stopped: the token limit (limits.maxTokens = " + policy.limits().maxTokens() + ") was reached");
            }
            int attempt = step + 1;
            ArrayNode schemas = toolSchemas();
            conversation.system(workspace.root().toString(), policy.network().allowed(), textMode, schemas);
            audit.append("model_request", Json.object().put("step", attempt).put("model", model)
                    .put("messages", conversation.size()).put("tool_mode", textMode ? "text" : "native"));
            listener.progress(attempt, tokens.total(), "waiting for the model");

            ModelReply reply;
            control.enterModelRequest();
            try {
                reply = client.chat(model, conversation.messages(), textMode ? null : schemas);
            } catch (InterruptedException e) {
                return pause(control.reason(), false);
            } catch (ModelUnavailableException e) {
                metrics.recordError("model_unreachable");
                audit.append("error", Json.object().put("step", attempt).put("kind", "model_unreachable").put("message", e.getMessage()));
                return pause(e.getMessage(), true);
            } catch (ModelRequestException e) {
                metrics.recordError("model_rejected");
                if (e.status() == 400 && !textMode && client.settings().toolMode() == ToolMode.AUTO) {
                    // The server rejects native tools: carry them in the text convention from now on.
                    textMode = true;
                    journal.toolMode("text");
                    audit.append("error", Json.object().put("step", attempt).put("kind", "tools_rejected")
                            .put("message", e.getMessage() + "; switching to the text convention for tool calls"));
                    continue;
                }
                audit.append("error", Json.object().put("step", attempt).put("kind", "model_rejected").put("message", e.getMessage()));
                return finish(Snapshot.FAILED, null, e.getMessage());
            } catch (MalformedReplyException e) {
                metrics.recordError("malformed_reply");
                audit.append("error", Json.object().put("step", attempt).put("kind", "malformed_reply").put("message", e.getMessage()));
                commit(List.of(Conversation.userMessage("error: your last reply could not be read (" + e.getMessage()
                        + "). Reply again: either call a tool or give your final answer.")), Tokens.ZERO);
                continue;
            } finally {
                control.leaveModelRequest();
            }

            tokens = tokens.plus(reply.usage());
            metrics.recordTokens(runId, reply.usage());
            audit.append("model_response", modelResponseEvent(attempt, reply));

            List<ObjectNode> added = new ArrayList<>();
            added.add(reply.assistantMessage());
            if (reply.toolCalls().isEmpty()) {
                String answer = reply.content() == null ? "" : reply.content().strip();
                commit(added, reply.usage());
                return finish(Snapshot.SUCCEEDED, answer, null);
            }
            StringBuilder textResults = new StringBuilder();
            for (ToolCall call : reply.toolCalls()) {
                ToolResult result = call(attempt, call);
                if (reply.textConvention()) {
                    textResults.append("<tool_result name=\"").append(call.name()).append("\" id=\"").append(call.id()).append("\">\n")
                            .append(result.output()).append("\n</tool_result>\n");
                } else {
                    added.add(Conversation.toolMessage(call.id(), result.output()));
                }
            }
            if (reply.textConvention()) {
                added.add(Conversation.userMessage(textResults.toString().strip()));
            }
            commit(added, reply.usage());
        }
    }

    /** One tool call: decide, execute, record. Whatever happens, the model gets a result and the run goes on. */
    private ToolResult call(int attempt, ToolCall call) throws IOException {
        audit.append("tool_call", Json.object().put("step", attempt).put("id", call.id()).put("name", call.name())
                .put("arguments", call.rawArguments()));
        listener.progress(attempt, tokens.total(), call.name() + describe(call));
        lastTool = call.name();
        long started = System.nanoTime();
        ToolResult result;
        String errorKind = null;
        if (call.argumentError() != null) {
            errorKind = "bad_arguments";
            result = ToolResult.failed("could not run " + (call.name().isEmpty() ? "the tool" : call.name()) + ": " + call.argumentError()
                    + ". Send the arguments as a JSON object that matches the tool's schema.");
        } else if (PlanTool.NAME.equals(call.name())) {
            String newPlan = call.arguments().path("plan").asText("");
            if (newPlan.isBlank()) {
                errorKind = "bad_arguments";
                result = ToolResult.failed("missing required argument 'plan' (a string)");
            } else {
                plan = newPlan;
                result = ToolResult.ok("plan recorded");
            }
        } else {
            Optional<Tool> tool = tools.find(call.name());
            Policy policy = config.policy().get();
            if (tool.isEmpty()) {
                errorKind = "unknown_tool";
                result = ToolResult.failed("there is no tool named '" + call.name() + "'. Available tools: " + toolNames());
            } else if (!toolAllowed(policy, call.name())) {
                errorKind = "policy_denied";
                result = ToolResult.failed("refused: the policy does not allow the tool " + call.name());
            } else {
                try {
                    result = tool.get().execute(call.arguments(), new ToolContext(workspace, policy, config.env()));
                } catch (ToolException e) {
                    errorKind = e.kind();
                    result = ToolResult.failed(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errorKind = "interrupted";
                    result = ToolResult.failed("the call was interrupted");
                } catch (RuntimeException e) {
                    errorKind = "tool_crashed";
                    result = ToolResult.failed("the tool failed unexpectedly: " + e);
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.recordTool(call.name().isEmpty() ? "(unnamed)" : call.name(), took, result.error());
        if (errorKind != null && !"tool_failed".equals(errorKind)) {
            metrics.recordError(errorKind);
        }
        if ("policy_denied".equals(errorKind) || "outside_workspace".equals(errorKind)) {
            audit.append("policy_denied", Json.object().put("step", attempt).put("id", call.id()).put("name", call.name())
                    .put("reason", result.output()));
        }
        ObjectNode event = Json.object().put("step", attempt).put("id", call.id()).put("name", call.name())
                .put("ok", !result.error()).put("duration_ms", took.toNanos() / 1e6);
        if (errorKind != null) {
            event.put("error_kind", errorKind);
        }
        byte[] output = result.output().getBytes(StandardCharsets.UTF_8);
        event.put("output_bytes", output.length).put("output_sha256", sha256(output));
        event.put("output", result.output().length() > AUDIT_OUTPUT_EXCERPT
                ? result.output().substring(0, AUDIT_OUTPUT_EXCERPT) + "…" : result.output());
        audit.append("tool_result", event);
        return result;
    }

    /** Commits a step: journal (fsync'd), then snapshot, audit (fsync'd) and metrics. */
    private void commit(List<ObjectNode> messages, Tokens usage) throws IOException, CheckpointException {
        int committed = step + 1;
        // The conversation in memory keeps what the model saw; what is persisted is redacted.
        journal.step(committed, messages.stream().map(m -> redactor.redact(m)).toList(), usage, redactor.redact(plan));
        step = committed;
        conversation.addAll(messages);
        saveSnapshot(Snapshot.RUNNING, null, null);
        audit.append("checkpoint", Json.object().put("step", step).put("journal_bytes", journal.bytes())
                .put("tokens", tokens.total()));
        audit.sync();
        metrics.flush(config.state().metricsFile());
        listener.progress(step, tokens.total(), "step " + step + " saved");
    }

    private RunResult pause(String why, boolean modelUnavailable) throws IOException, CheckpointException {
        journal.status(Snapshot.PAUSED, null, redactor.redact(why));
        saveSnapshot(Snapshot.PAUSED, null, why);
        audit.append("run_paused", Json.object().put("current_step", step).put("reason", why));
        audit.sync();
        metrics.flush(config.state().metricsFile());
        return result(Snapshot.PAUSED, null, why, modelUnavailable);
    }

    private RunResult finish(String status, String answer, String message) throws IOException, CheckpointException {
        journal.status(status, redactor.redact(answer), redactor.redact(message));
        saveSnapshot(status, answer, message);
        ObjectNode event = Json.object().put("status", status).put("steps", step).put("tokens", tokens.total());
        if (answer != null) {
            event.put("answer", answer);
        }
        if (message != null) {
            event.put("message", message);
        }
        audit.append("run_finished", event);
        audit.sync();
        metrics.flush(config.state().metricsFile());
        return result(status, answer, message, false);
    }

    private RunResult result(String status, String answer, String message, boolean modelUnavailable) {
        return new RunResult(runId, status, redactor.redact(answer), step, tokens, redactor.redact(message), modelUnavailable);
    }

    private void saveSnapshot(String status, String answer, String message) throws CheckpointException {
        Long pid = Snapshot.RUNNING.equals(status) ? ProcessHandle.current().pid() : null;
        checkpoints.writeSnapshot(new Snapshot(runId, redactor.redact(goal), status, step, Instant.now().toString(), createdAt, model,
                workspace.root().toString(), tokens, redactor.redact(plan), redactor.redact(answer), redactor.redact(message), lastTool,
                journal.bytes(), pid));
    }

    private ArrayNode toolSchemas() {
        ArrayNode schemas = Json.array();
        Policy policy = config.policy().get();
        for (JsonNode schema : tools.schemas()) {
            if (toolAllowed(policy, schema.path("function").path("name").asText())) {
                schemas.add(schema);
            }
        }
        schemas.add(PlanTool.schema());
        return schemas;
    }

    private static boolean toolAllowed(Policy policy, String name) {
        return policy.tools().allow().stream().anyMatch(g -> Globs.matchesName(g, name))
                && policy.tools().deny().stream().noneMatch(g -> Globs.matchesName(g, name));
    }

    private String toolNames() {
        List<String> names = new ArrayList<>();
        tools.all().forEach(t -> names.add(t.name()));
        names.add(PlanTool.NAME);
        return String.join(", ", names);
    }

    private static String describe(ToolCall call) {
        if (call.arguments() == null) {
            return "";
        }
        for (String key : new String[] {"path", "command", "pattern", "url"}) {
            JsonNode v = call.arguments().get(key);
            if (v != null && v.isTextual()) {
                String text = v.asText().replaceAll("\\s+", " ");
                return " " + (text.length() > 60 ? text.substring(0, 60) + "…" : text);
            }
        }
        return "";
    }

    private ObjectNode modelResponseEvent(int attempt, ModelReply reply) {
        ObjectNode event = Json.object().put("step", attempt).put("latency_ms", reply.latencyMillis());
        if (reply.content() != null) {
            event.put("content", reply.content());
        }
        ArrayNode calls = event.putArray("tool_calls");
        reply.toolCalls().forEach(c -> calls.addObject().put("id", c.id()).put("name", c.name()));
        event.set("usage", Json.object().put("prompt", reply.usage().prompt()).put("completion", reply.usage().completion())
                .put("total", reply.usage().total()));
        if (reply.textConvention()) {
            event.put("text_convention", true);
        }
        return event;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
