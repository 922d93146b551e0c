package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.checkpoint.SnapshotWriter;
import io.devagent.checkpoint.Snapshot.Tokens;
import io.devagent.json.Json;
import io.devagent.metrics.Metrics;
import io.devagent.model.ChatModel;
import io.devagent.model.MalformedReplyException;
import io.devagent.model.ModelReply;
import io.devagent.model.ModelRequestException;
import io.devagent.model.ModelSettings.ToolMode;
import io.devagent.model.ModelUnavailableException;
import io.devagent.model.ToolCall;
import io.devagent.policy.Policy;
import io.devagent.review.Reviewer;
import io.devagent.review.Verdict;
import io.devagent.tool.Effect;
import io.devagent.tool.EffectJournal;
import io.devagent.tool.Hashes;
import io.devagent.tool.Tool;
import io.devagent.tool.ToolContext;
import io.devagent.tool.ToolException;
import io.devagent.tool.ToolRegistry;
import io.devagent.tool.ToolResult;
import io.devagent.tool.Workspace;
import io.devagent.workspace.WorkspaceRecorder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One execution of a run, top to bottom: goal → model request → tool calls → review → checkpoint →
 * audit, step after step, until the model answers without a tool call, a limit is hit, or a pause
 * is asked. Each step is exactly one model request, and it counts only once its journal entry is
 * committed.
 *
 * <p>Side effects happen exactly once: a side-effecting call journals an intent just before its
 * effect and its outcome just after, both fsync'd. On resume, the reply of the step in progress is
 * taken from the journal rather than asked again; a call with a recorded outcome is replayed, a
 * call with an intent but no outcome is settled (verified when it can be, else reported to the
 * model as interrupted with an unknown effect), and only calls that never started are executed.
 */
final class RunLoop {

    private static final int AUDIT_OUTPUT_EXCERPT = 2000;
    private static final long PID = ProcessHandle.current().pid();

    private final String runId;
    private final String goal;
    private final String model;
    private final String createdAt;
    private final RunJournal journal;
    private final AuditLog audit;
    private final SnapshotWriter snapshots;
    private final Workspace workspace;
    private final ChatModel client;
    private final ToolRegistry tools;
    private final Metrics metrics;
    private final AgentConfig config;
    private final Redactor redactor;
    private final RunControl control;
    private final RunListener listener;
    private final Conversation conversation;
    private final Reviewer reviewer;
    private final CrashPoints crash;
    private final WorkspaceRecorder recorder;

    private int step;
    private Tokens tokens;
    private String plan;
    private String lastTool;
    private boolean textMode;
    /** The step that was in progress when the run last stopped, taken up again once. */
    private RunJournal.Pending pending;
    /** Files this run wrote, with the hash each should still have. */
    private final Map<String, String> writtenFiles;
    /** Changes to {@link #writtenFiles} in the step being built (null: deleted). */
    private final Map<String, String> stepFiles = new LinkedHashMap<>();
    /** Notes for the model (reviewer findings) sent with the next request and committed with its step. */
    private final List<ObjectNode> notes = new ArrayList<>();
    private IOException journalFailure;
    /** The answer of a final step committed before the run stopped: resume only records the finish. */
    private final String committedAnswer;

    RunLoop(RunJournal.Recovered run, RunJournal journal, AuditLog audit, SnapshotWriter snapshots, Workspace workspace,
            ChatModel client, ToolRegistry tools, Metrics metrics, AgentConfig config, Redactor redactor, RunControl control,
            RunListener listener, WorkspaceRecorder recorder) {
        this.recorder = recorder;
        this.runId = run.runId();
        this.goal = run.goal();
        this.model = client.settings().model().orElse(run.model());
        this.createdAt = run.createdAt();
        this.journal = journal;
        this.audit = audit;
        this.snapshots = snapshots;
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
        this.pending = run.pending();
        this.writtenFiles = new LinkedHashMap<>(run.files());
        this.reviewer = new Reviewer(workspace);
        this.crash = CrashPoints.from(config.env());
        this.committedAnswer = run.finalAnswer();
    }

    RunResult run(boolean resumed) throws RunException, InterruptedException {
        try {
            audit.append(resumed ? "run_resumed" : "run_started", Json.object().put("goal", goal).put("model", model)
                    .put("workspace", workspace.root().toString()).put("current_step", step)
                    .put("step_in_progress", pending != null)
                    .put("policy", config.policy().get().version())
                    .put("policy_network", config.policy().get().network().allowed()));
            if (resumed) {
                journal.status(Snapshot.RUNNING, null, "resumed at step " + step);
                // The last committed step is validated again: the workspace may have changed while the run was stopped.
                Verdict verdict = reviewer.review(config.policy().get(), List.of(), writtenFiles);
                audit.append("review", verdict.toJson().put("step", step).put("on_resume", true));
                if (!verdict.ok()) {
                    notes.add(Conversation.userMessage(verdict.noteForModel()));
                }
            }
            saveSnapshot(Snapshot.RUNNING, null, null);
            audit.sync();
        } catch (IOException | CheckpointException e) {
            throw new RunException("cannot write the run's checkpoint: " + e.getMessage());
        }
        listener.started(runId, resumed);
        try {
            if (committedAnswer != null) {
                return finish(Snapshot.SUCCEEDED, committedAnswer, null);
            }
            return loop();
        } catch (IOException | CheckpointException e) {
            // Every committed step is in the journal; the run stops rather than go on unsaved.
            metrics.recordError("checkpoint_failed");
            String message = "stopped: cannot write the checkpoint (" + e.getMessage()
                    + "); the last committed step (" + step + ") is intact and the run can be resumed";
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
            ModelReply reply;
            RunJournal.Pending inProgress = pending;
            if (inProgress != null) {
                // The reply was journaled before the run stopped: the model is not asked again.
                reply = ModelReply.fromAssistantMessage(inProgress.message(), inProgress.usage(), inProgress.textConvention());
            } else {
                Optional<ModelReply> asked = ask(policy, attempt);
                if (asked.isEmpty()) {
                    if (outcome != null) {
                        return outcome;
                    }
                    continue;
                }
                reply = asked.get();
                crash.at("after_model_reply");
                journal.reply(attempt, redactor.redact(reply.assistantMessage()), reply.usage(), reply.textConvention());
                crash.at("after_reply_journaled");
            }

            tokens = tokens.plus(reply.usage());
            metrics.recordTokens(runId, reply.usage());
            ObjectNode response = modelResponseEvent(attempt, reply);
            if (inProgress != null) {
                response.put("from_journal", true);
            }
            audit.append("model_response", response);

            List<ObjectNode> added = new ArrayList<>();
            added.add(reply.assistantMessage());
            if (reply.toolCalls().isEmpty()) {
                String answer = reply.content() == null ? "" : reply.content().strip();
                commit(added, reply.usage(), null, answer);
                return finish(Snapshot.SUCCEEDED, answer, null);
            }
            StringBuilder textResults = new StringBuilder();
            List<String> toolsRun = new ArrayList<>();
            for (int i = 0; i < reply.toolCalls().size(); i++) {
                ToolCall call = reply.toolCalls().get(i);
                ToolResult result = callOnce(attempt, i, call, inProgress);
                if (!lastCallNotRun) {
                    toolsRun.add(call.name()); // a refused or unknown tool did not run: nothing for the reviewer to object to
                }
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
            Verdict verdict = review(policy, toolsRun, added);
            commit(added, reply.usage(), verdict, null);
            if (!verdict.ok()) {
                notes.add(Conversation.userMessage(verdict.noteForModel()));
            }
        }
    }

    /** Set by {@link #ask} when the run must end instead of going on. */
    private RunResult outcome;

    /**
     * One model request. Empty means the step produced no reply: either the run must end
     * ({@link #outcome} is set), or the loop goes on (a garbage reply was committed as an error
     * for the model, or the tools moved to the text convention).
     */
    private Optional<ModelReply> ask(Policy policy, int attempt) throws IOException, CheckpointException {
        outcome = null;
        ArrayNode schemas = toolSchemas(policy);
        conversation.system(workspace.root().toString(), policy.network().allowed(), textMode, schemas);
        audit.append("model_request", Json.object().put("step", attempt).put("model", model)
                .put("messages", conversation.size() + notes.size()).put("tool_mode", textMode ? "text" : "native"));
        listener.progress(attempt, tokens.total(), "waiting for the model");
        control.enterModelRequest();
        try {
            return Optional.of(client.chat(model, conversation.messages(notes), textMode ? null : schemas));
        } catch (InterruptedException e) {
            outcome = pause(control.reason(), false);
        } catch (ModelUnavailableException e) {
            metrics.recordError("model_unreachable");
            audit.append("error", Json.object().put("step", attempt).put("kind", "model_unreachable").put("message", e.getMessage()));
            outcome = pause(e.getMessage(), true);
        } catch (ModelRequestException e) {
            metrics.recordError("model_rejected");
            if (e.status() == 400 && !textMode && client.settings().toolMode() == ToolMode.AUTO) {
                // The server rejects native tools: carry them in the text convention from now on.
                textMode = true;
                journal.toolMode("text");
                audit.append("error", Json.object().put("step", attempt).put("kind", "tools_rejected")
                        .put("message", e.getMessage() + "; switching to the text convention for tool calls"));
            } else {
                audit.append("error", Json.object().put("step", attempt).put("kind", "model_rejected").put("message", e.getMessage()));
                outcome = finish(Snapshot.FAILED, null, e.getMessage());
            }
        } catch (MalformedReplyException e) {
            metrics.recordError("malformed_reply");
            audit.append("error", Json.object().put("step", attempt).put("kind", "malformed_reply").put("message", e.getMessage()));
            commit(new ArrayList<>(List.of(Conversation.userMessage("error: your last reply could not be read (" + e.getMessage()
                    + "). Reply again: either call a tool or give your final answer."))), Tokens.ZERO, null, null);
        } finally {
            control.leaveModelRequest();
        }
        return Optional.empty();
    }

    /** Set by {@link #call} when the call never reached a tool: bad arguments, an unknown tool, or one the tool globs refuse. */
    private boolean lastCallNotRun;

    /**
     * A tool call, exactly once: replayed if its outcome is journaled, settled if it has an intent
     * but no outcome, executed otherwise.
     */
    private ToolResult callOnce(int attempt, int index, ToolCall call, RunJournal.Pending inProgress) throws IOException {
        lastCallNotRun = false;
        JsonNode recorded = inProgress == null ? null : inProgress.outcomes().get(index);
        if (recorded != null) {
            ToolResult result = new ToolResult(recorded.path("output").asText(), recorded.path("error").asBoolean());
            JsonNode intent = inProgress.intents().get(index);
            if (intent != null && !result.error()) {
                track(intent.path("effect"));
            }
            auditResult(attempt, call, result, null, Duration.ZERO, "replayed");
            return result;
        }
        JsonNode intent = inProgress == null ? null : inProgress.intents().get(index);
        if (intent != null) {
            JsonNode effect = intent.path("effect");
            if (verifiable(effect) && !landed(effect)) {
                // Writes are atomic (temporary file, rename): a write that did not land never happened, so it is done now, once.
                return call(attempt, index, call);
            }
            ToolResult result = settle(call, effect);
            journal.outcome(attempt, index, redactor.redact(result.output()), result.error());
            auditResult(attempt, call, result, result.error() ? "effect_unknown" : null, Duration.ZERO, "settled");
            return result;
        }
        return call(attempt, index, call);
    }

    /** An interrupted side effect: a verified write is complete; anything else has an unknown effect and is not repeated. */
    private ToolResult settle(ToolCall call, JsonNode effect) {
        String description = effect.path("description").asText(call.name());
        if (verifiable(effect) && landed(effect)) {
            track(effect);
            return ToolResult.ok(call.name() + " (" + description + ") completed before the run was interrupted: "
                    + effect.get("path").asText() + " has the expected content");
        }
        return ToolResult.failed(call.name() + " (" + description + ") was interrupted before its result was saved; "
                + "its effect is unknown and it was not run again. Check the workspace before repeating it.");
    }

    private static boolean verifiable(JsonNode effect) {
        return effect.hasNonNull("path") && effect.hasNonNull("sha256");
    }

    private boolean landed(JsonNode effect) {
        return Hashes.sha256(workspace.root().resolve(effect.get("path").asText()))
                .map(effect.get("sha256").asText()::equals).orElse(false);
    }

    /** One tool call: decide, execute, record. Whatever happens, the model gets a result and the run goes on. */
    private ToolResult call(int attempt, int index, ToolCall call) throws IOException {
        Policy policy = config.policy().get();
        audit.append("tool_call", Json.object().put("step", attempt).put("id", call.id()).put("name", call.name())
                .put("arguments", call.rawArguments()).put("policy", policy.version()));
        listener.progress(attempt, tokens.total(), call.name() + describe(call));
        lastTool = call.name();
        long started = System.nanoTime();
        ToolResult result;
        String errorKind = null;
        Effect[] begun = new Effect[1];
        if (call.argumentError() != null) {
            lastCallNotRun = true;
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
            if (tool.isEmpty()) {
                lastCallNotRun = true;
                errorKind = "unknown_tool";
                result = ToolResult.failed("there is no tool named '" + call.name() + "'. Available tools: " + toolNames());
            } else if (!policy.allowsTool(call.name())) {
                lastCallNotRun = true;
                errorKind = "policy_denied";
                result = ToolResult.failed("refused: the policy does not allow the tool " + call.name());
            } else {
                EffectJournal effects = effect -> {
                    recorder.beforeEffect(); // the previous step's workspace snapshot is complete before this effect
                    try {
                        journal.intent(attempt, index, call.name(), effectJson(effect));
                    } catch (IOException e) {
                        journalFailure = e;
                        throw new ToolException("checkpoint_failed", "not done: the intent could not be journaled (" + e.getMessage() + ")");
                    }
                    begun[0] = effect;
                    crash.at("after_intent");
                };
                try {
                    result = tool.get().execute(call.arguments(), new ToolContext(workspace, policy, config.env(), effects));
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
        if (journalFailure != null) {
            throw journalFailure;
        }
        if (begun[0] != null) {
            crash.at("after_tool_executed");
            journal.outcome(attempt, index, redactor.redact(result.output()), result.error());
            crash.at("after_outcome");
            if (!result.error() && begun[0].verifiable()) {
                track(effectJson(begun[0]));
            } else if (!begun[0].verifiable()) {
                // A shell command or an MCP tool (a filesystem server) may have changed files the run wrote.
                refreshWrittenFiles();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.recordTool(call.name().isEmpty() ? "(unnamed)" : call.name(), took, result.error());
        if (errorKind != null && !"tool_failed".equals(errorKind)) {
            metrics.recordError(errorKind);
        }
        if ("policy_denied".equals(errorKind) || "outside_workspace".equals(errorKind)) {
            audit.append("policy_denied", Json.object().put("step", attempt).put("id", call.id()).put("name", call.name())
                    .put("policy", policy.version()).put("reason", result.output()));
        }
        auditResult(attempt, call, result, errorKind, took, null);
        return result;
    }

    /** The reviewer's verdict on the step about to be committed. */
    private Verdict review(Policy policy, List<String> toolsRun, List<ObjectNode> added) throws IOException {
        Verdict verdict = reviewer.review(policy, toolsRun, writtenFiles);
        if (policy.review().model()) {
            List<JsonNode> view = new ArrayList<>(conversation.messages(notes));
            view.addAll(added);
            try {
                verdict = reviewer.askModel(verdict, client, model, view);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // a pause: the rule verdict stands, the loop pauses next
            }
        }
        audit.append("review", verdict.toJson().put("step", step + 1));
        return verdict;
    }

    private void track(JsonNode effect) {
        if (effect.hasNonNull("path") && effect.hasNonNull("sha256")) {
            writtenFiles.put(effect.get("path").asText(), effect.get("sha256").asText());
            stepFiles.put(effect.get("path").asText(), effect.get("sha256").asText());
        }
    }

    /** A shell command or an MCP call is the run's own action: files it changed are not "changed behind the run's back". */
    private void refreshWrittenFiles() {
        for (Map.Entry<String, String> file : new ArrayList<>(writtenFiles.entrySet())) {
            String now = Hashes.sha256(workspace.root().resolve(file.getKey())).orElse(null);
            if (now == null) {
                writtenFiles.remove(file.getKey());
                stepFiles.put(file.getKey(), null);
            } else if (!now.equals(file.getValue())) {
                writtenFiles.put(file.getKey(), now);
                stepFiles.put(file.getKey(), now);
            }
        }
    }

    /** Commits a step: journal (fsync'd), then snapshot, audit (fsync'd) and metrics. {@code answer} marks the final step. */
    private void commit(List<ObjectNode> messages, Tokens usage, Verdict verdict, String answer) throws IOException, CheckpointException {
        int committed = step + 1;
        List<ObjectNode> all = new ArrayList<>(notes);
        all.addAll(messages);
        // The conversation in memory keeps what the model saw; what is persisted is redacted.
        List<JsonNode> persisted = all.stream().map(redactor::redact).toList();
        if (crash.due("torn_step")) {
            journal.tornStepForCrashTest(committed, persisted, usage);
            crash.crash();
        }
        // The step's audit lines so far become durable with the step, in one shared fsync.
        if (answer != null) {
            journal.finalStep(committed, persisted, usage, redactor.redact(plan), redactor.redact(answer), audit::sync);
        } else {
            journal.step(committed, persisted, usage, redactor.redact(plan), verdict == null ? null : verdict.toJson(), stepFiles,
                    audit::sync);
        }
        crash.at("after_step_commit");
        step = committed;
        recorder.stepCommitted(committed); // a step with side effects: its workspace snapshot, taken behind the run
        conversation.addAll(all);
        notes.clear();
        stepFiles.clear();
        pending = null;
        // The snapshot and metrics.json are views of the journal: written behind the run, not waited for.
        snapshots.soon(snapshot(Snapshot.RUNNING, null, null));
        crash.at("after_snapshot");
        // Durable with the next step's commit, or the run's end: a crash before that loses this line, never the step.
        audit.append("checkpoint", Json.object().put("step", step).put("journal_bytes", journal.bytes())
                .put("tokens", tokens.total()));
        metrics.flushSoon(config.state().metricsFile());
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

    /** Writes the snapshot now: a change of status is visible at once. */
    private void saveSnapshot(String status, String answer, String message) throws CheckpointException {
        snapshots.now(snapshot(status, answer, message));
    }

    private Snapshot snapshot(String status, String answer, String message) {
        Long pid = Snapshot.RUNNING.equals(status) ? PID : null;
        return new Snapshot(runId, redactor.redact(goal), status, step, Instant.now().toString(), createdAt, model,
                workspace.root().toString(), tokens, redactor.redact(plan), redactor.redact(answer), redactor.redact(message), lastTool,
                journal.bytes(), pid);
    }

    private ArrayNode toolSchemas(Policy policy) {
        ArrayNode schemas = Json.array();
        for (JsonNode schema : tools.schemas()) {
            if (policy.allowsTool(schema.path("function").path("name").asText())) {
                schemas.add(schema);
            }
        }
        schemas.add(PlanTool.schema());
        return schemas;
    }

    private String toolNames() {
        List<String> names = new ArrayList<>();
        tools.all().forEach(t -> names.add(t.name()));
        names.add(PlanTool.NAME);
        return String.join(", ", names);
    }

    private void auditResult(int attempt, ToolCall call, ToolResult result, String errorKind, Duration took, String source)
            throws IOException {
        ObjectNode event = Json.object().put("step", attempt).put("id", call.id()).put("name", call.name())
                .put("ok", !result.error()).put("duration_ms", took.toNanos() / 1e6);
        if (errorKind != null) {
            event.put("error_kind", errorKind);
        }
        if (source != null) {
            event.put("source", source);
        }
        byte[] output = result.output().getBytes(StandardCharsets.UTF_8);
        event.put("output_bytes", output.length).put("output_sha256", Hashes.sha256(output));
        event.put("output", result.output().length() > AUDIT_OUTPUT_EXCERPT
                ? result.output().substring(0, AUDIT_OUTPUT_EXCERPT) + "…" : result.output());
        audit.append("tool_result", event);
    }

    private static ObjectNode effectJson(Effect effect) {
        ObjectNode node = Json.object().put("kind", effect.kind()).put("description", effect.description());
        if (effect.path() != null) {
            node.put("path", effect.path());
        }
        if (effect.sha256() != null) {
            node.put("sha256", effect.sha256());
        }
        return node;
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
}
