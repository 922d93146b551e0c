package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.devagent.model.Tokens;
import io.devagent.model.ChatModel;
import io.devagent.model.MalformedReplyException;
import io.devagent.model.ModelReply;
import io.devagent.model.ModelSettings;
import io.devagent.model.ContextWindow;
import io.devagent.model.ModelRequestException;
import io.devagent.model.ModelUnavailableException;

import java.util.List;
import java.util.Optional;

/** Answers a replayed run's requests with the replies recorded in the original run's journal, in order. */
final class ReplayModel implements ChatModel {

    /** One recorded step: the assistant message (null when the step recorded an unreadable reply) and its usage. */
    record RecordedStep(JsonNode assistant, Tokens usage, String unreadable) {
    }

    private final List<RecordedStep> steps;
    private final ModelSettings settings;
    private final Optional<ContextWindow> window;
    private final List<String> summaries;
    private int next;
    private int nextSummary;

    ReplayModel(List<RecordedStep> steps, ModelSettings settings, String model, Optional<ContextWindow> window, List<String> summaries) {
        this.steps = steps;
        this.window = window;
        this.summaries = summaries;
        this.settings = new ModelSettings(settings.baseUrl(), Optional.of(model), Optional.empty(), false,
                ModelSettings.ToolMode.NATIVE, settings.timeout(), 0, settings.retryBase());
    }

    @Override
    public ModelSettings settings() {
        return settings;
    }

    @Override
    public String resolveModel() {
        return settings.model().orElseThrow();
    }

    /** The window the recorded run worked in: the replay compacts as it did. */
    @Override
    public Optional<ContextWindow> contextWindow(String model) {
        return window;
    }

    /** The recorded compactions' summaries, in order; past them, the compactor falls back to its plain summary. */
    @Override
    public synchronized ModelReply summarize(String model, List<JsonNode> messages) throws ModelRequestException {
        if (nextSummary >= summaries.size()) {
            throw new ModelRequestException(404, "the recorded run has no more summaries");
        }
        return ModelReply.fromAssistantMessage(io.devagent.json.Json.object().put("role", "assistant")
                .put("content", summaries.get(nextSummary++)), Tokens.ZERO, false);
    }

    @Override
    public synchronized ModelReply chat(String model, List<JsonNode> messages, ArrayNode tools)
            throws ModelUnavailableException, MalformedReplyException {
        if (next >= steps.size()) {
            throw new ModelUnavailableException("the recorded run has no reply for step " + (next + 1));
        }
        RecordedStep step = steps.get(next++);
        if (step.assistant() == null) {
            throw new MalformedReplyException(step.unreadable());
        }
        return ModelReply.fromAssistantMessage(step.assistant(), step.usage(), false);
    }
}
