package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.approval.ApprovalGate;
import io.devagent.audit.AuditLog;
import io.devagent.checkpoint.RunJournal;
import io.devagent.context.ContextMessages;
import io.devagent.json.Json;
import io.devagent.metrics.Metrics;
import io.devagent.model.ModelReply;
import io.devagent.model.ToolCall;
import io.devagent.policy.Policy;
import io.devagent.tool.Effect;
import io.devagent.tool.EffectJournal;
import io.devagent.tool.Hashes;
import io.devagent.tool.OutputCap;
import io.devagent.tool.Tool;
import io.devagent.tool.ToolContext;
import io.devagent.tool.ToolException;
import io.devagent.tool.ToolRegistry;
import io.devagent.tool.ToolResult;
import io.devagent.tool.Workspace;
import io.devagent.workspace.WorkspaceRecorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tool calls of one reply, each exactly once: decide (arguments, tool, policy), journal the
 * intent of a side effect, execute, journal its outcome. On resume a call with a recorded outcome
 * is replayed, one with an intent but no outcome is settled, and only calls that never started run.
 */
final class ToolCalls {

    private static final int AUDIT_OUTPUT_EXCERPT = 2000;

    /** The results of a reply's calls, as messages for the step, and whether the run must stop after it. */
    record Results(List<ObjectNode> messages, List<String> toolsRun, Optional<RunEnd> end) {
    }

    /** One call's result, and whether it reached a tool (a refused or unknown one did not: nothing for the reviewer). */
    private record Outcome(ToolResult result, boolean ran) {
    }

    /**
     * What to do with a call before anything runs. Approvals add a decision that waits for a
     * person here; nothing runs until the decision is {@link Run}.
     */
    private sealed interface Decision {
        record Run(Tool tool) implements Decision {
        }

        record Answer(ToolResult result, String errorKind, boolean ran) implements Decision {
        }
    }

    private final RunState state;
    private final StepJournal journal;
    private final AuditLog audit;
    private final Metrics metrics;
    private final AgentConfig config;
    private final RunListener listener;
    private final Workspace workspace;
    private final ToolRegistry tools;
    private final ContextStep context;
    private final RepeatGuard repeats;
    private final ApprovalGate approvals;
    private final WorkspaceRecorder changes;

    ToolCalls(RunState state, StepJournal journal, AuditLog audit, Metrics metrics, AgentConfig config, RunListener listener,
              Workspace workspace, ToolRegistry tools, ContextStep context, RepeatGuard repeats, ApprovalGate approvals,
              WorkspaceRecorder changes) {
        this.changes = changes;
        this.approvals = approvals;
        this.state = state;
        this.journal = journal;
        this.audit = audit;
        this.metrics = metrics;
        this.config = config;
        this.listener = listener;
        this.workspace = workspace;
        this.tools = tools;
        this.context = context;
        this.repeats = repeats;
    }

    Results run(int attempt, ModelReply reply, RunJournal.Pending inProgress) throws IOException {
        List<ObjectNode> messages = new ArrayList<>();
        List<String> toolsRun = new ArrayList<>();
        StringBuilder textResults = new StringBuilder();
        Optional<RunEnd> end = Optional.empty();
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            ToolCall call = reply.toolCalls().get(i);
            Outcome outcome = once(attempt, i, call, inProgress);
            if (outcome.ran()) {
                toolsRun.add(call.name());
            }
            String output = outcome.result().output();
            if (!PlanTool.NAME.equals(call.name())) {
                int times = repeats.observe(call, output);
                if (times >= RepeatGuard.WARN_AT) {
                    output += RepeatGuard.note(times);
                }
                if (times >= RepeatGuard.STOP_AT && end.isEmpty()) {
                    end = Optional.of(RunEnd.fail("stopped: the model repeated the same call (" + call.name() + " "
                            + excerpt(call.rawArguments()) + ") with the same result " + times + " times"));
                }
            }
            if (reply.textConvention()) {
                textResults.append("<tool_result name=\"").append(call.name()).append("\" id=\"").append(call.id()).append("\">\n")
                        .append(output).append("\n</tool_result>\n");
            } else {
                messages.add(ContextMessages.toolMessage(call.id(), output));
            }
        }
        if (reply.textConvention()) {
            messages.add(ContextMessages.userMessage(textResults.toString().strip()));
        }
        return new Results(messages, toolsRun, end);
    }

    /** A call exactly once: replayed if its outcome is journaled, settled if it has an intent but no outcome, executed otherwise. */
    private Outcome once(int attempt, int index, ToolCall call, RunJournal.Pending inProgress) throws IOException {
        JsonNode recorded = inProgress == null ? null : inProgress.outcomes().get(index);
        JsonNode intent = inProgress == null ? null : inProgress.intents().get(index);
        if (recorded != null) {
            ToolResult result = new ToolResult(recorded.path("output").asText(), recorded.path("error").asBoolean());
            if (intent != null && !result.error()) {
                state.track(intent.path("effect"));
            }
            auditResult(attempt, call, result, null, Duration.ZERO, "replayed");
            return new Outcome(result, true);
        }
        if (intent != null) {
            JsonNode effect = intent.path("effect");
            if (!(verifiable(effect) && !landed(effect))) {
                ToolResult result = settle(call, effect);
                journal.settled(attempt, index, result.output(), result.error());
                auditResult(attempt, call, result, result.error() ? "effect_unknown" : null, Duration.ZERO, "settled");
                return new Outcome(result, true);
            }
            // Writes are atomic (temporary file, rename): a write that did not land never happened, so it is done now, once.
        }
        return execute(attempt, index, call);
    }

    /** An interrupted side effect: a verified write is complete; anything else has an unknown effect and is not repeated. */
    private ToolResult settle(ToolCall call, JsonNode effect) {
        String description = effect.path("description").asText(call.name());
        if (verifiable(effect) && landed(effect)) {
            state.track(effect);
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

    /** Decides whether a call may run at all; the answer when it may not. */
    private Decision decide(ToolCall call, Policy policy) {
        if (call.argumentError() != null) {
            return new Decision.Answer(ToolResult.failed("could not run " + (call.name().isEmpty() ? "the tool" : call.name()) + ": "
                    + call.argumentError() + ". Send the arguments as a JSON object that matches the tool's schema."), "bad_arguments", false);
        }
        if (PlanTool.NAME.equals(call.name())) {
            String plan = call.arguments().path("plan").asText("");
            if (plan.isBlank()) {
                return new Decision.Answer(ToolResult.failed("missing required argument 'plan' (a string)"), "bad_arguments", true);
            }
            state.plan = plan;
            return new Decision.Answer(ToolResult.ok("plan recorded"), null, true);
        }
        Optional<Tool> tool = tools.find(call.name());
        if (tool.isEmpty()) {
            return new Decision.Answer(ToolResult.failed("there is no tool named '" + call.name() + "'. Available tools: " + toolNames()),
                    "unknown_tool", false);
        }
        if (!policy.allowsTool(call.name())) {
            return new Decision.Answer(ToolResult.failed("refused: the policy does not allow the tool " + call.name()), "policy_denied", false);
        }
        return new Decision.Run(tool.get());
    }

    /** One call: decide, then (intent, execute, outcome). Whatever happens, the model gets a result and the run goes on. */
    private Outcome execute(int attempt, int index, ToolCall call) throws IOException {
        Policy policy = config.policy().get();
        audit.append("tool_call", Json.object().put("step", attempt).put("id", call.id()).put("name", call.name())
                .put("arguments", call.rawArguments()).put("policy", policy.version()));
        listener.progress(attempt, state.tokens.total(), call.name() + describe(call));
        state.lastTool = call.name();
        long started = System.nanoTime();
        Decision decision = decide(call, policy);
        Outcome outcome;
        String errorKind;
        if (decision instanceof Decision.Answer answer) {
            outcome = new Outcome(answer.result(), answer.ran());
            errorKind = answer.errorKind();
        } else {
            // A call the policy lists under `approve` runs only once a person said yes (or waits, checkpointed).
            Optional<ToolResult> refused = approvals.check(attempt, index, call, policy);
            if (refused.isPresent()) {
                outcome = new Outcome(refused.get(), false);
                errorKind = "approval_denied";
            } else {
                Executed executed = invoke(attempt, index, call, ((Decision.Run) decision).tool(), policy);
                outcome = new Outcome(executed.result(), true);
                errorKind = executed.errorKind();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.recordTool(call.name().isEmpty() ? "(unnamed)" : call.name(), took, outcome.result().error());
        if (errorKind != null && !"tool_failed".equals(errorKind)) {
            metrics.recordError(errorKind);
        }
        if ("policy_denied".equals(errorKind) || "outside_workspace".equals(errorKind)) {
            audit.append("policy_denied", Json.object().put("step", attempt).put("id", call.id()).put("name", call.name())
                    .put("policy", policy.version()).put("reason", outcome.result().output()));
        }
        auditResult(attempt, call, outcome.result(), errorKind, took, null);
        return outcome;
    }

    private record Executed(ToolResult result, String errorKind) {
    }

    /** Intent (if the tool announces a side effect), execute, outcome. A journal that cannot take the intent stops the run. */
    private Executed invoke(int attempt, int index, ToolCall call, Tool tool, Policy policy) throws IOException {
        List<Effect> begun = new ArrayList<>(1);
        EffectJournal effects = effect -> {
            changes.beforeEffect(effect.path()); // the previous step's workspace snapshot is complete before this effect
            try {
                journal.intent(attempt, index, call.name(), effectJson(effect));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            begun.add(effect);
        };
        int cap = context.toolOutputBytes(policy);
        ToolResult result;
        String errorKind = null;
        try {
            result = tool.execute(call.arguments(), new ToolContext(workspace, policy, config.env(), effects, cap));
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the intent could not be journaled: nothing ran, and the run stops with its checkpoint intact
        } catch (ToolException e) {
            errorKind = e.kind();
            result = ToolResult.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errorKind = "interrupted";
            result = ToolResult.failed("the call was interrupted");
        } catch (RuntimeException e) {
            errorKind = "tool_crashed";
            result = ToolResult.failed("the tool failed unexpectedly" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        // Every output fits its share of the window, whatever the tool (an MCP server's too).
        result = new ToolResult(OutputCap.cap(result.output(), cap), result.error());
        if (!begun.isEmpty()) {
            Effect effect = begun.getFirst();
            journal.outcome(attempt, index, result.output(), result.error());
            if (!result.error() && effect.verifiable()) {
                state.track(effectJson(effect));
            } else if (!effect.verifiable()) {
                // A shell command or an MCP tool (a filesystem server) may have changed files the run wrote.
                refreshWrittenFiles();
            }
        }
        return new Executed(result, errorKind);
    }

    /** A shell command or an MCP call is the run's own action: files it changed are not "changed behind the run's back". */
    private void refreshWrittenFiles() {
        for (Map.Entry<String, String> file : new ArrayList<>(state.writtenFiles.entrySet())) {
            String now = Hashes.sha256(workspace.root().resolve(file.getKey())).orElse(null);
            if (now == null || !now.equals(file.getValue())) {
                state.fileNow(file.getKey(), now);
            }
        }
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

    static ObjectNode effectJson(Effect effect) {
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
                return " " + excerpt(v.asText());
            }
        }
        return "";
    }

    private static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 60 ? oneLine.substring(0, 60) + "…" : oneLine;
    }
}
