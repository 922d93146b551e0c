package io.devagent.context;

import io.devagent.config.Environment;
import io.devagent.model.ChatModel;
import io.devagent.model.ContextWindow;

import java.util.Optional;

/**
 * The context window a run starts with: {@code LLM_CONTEXT_TOKENS} when it is set (it overrides what
 * the server says), else what the server reports, else unknown (the run then learns it from the
 * first overflow answer). A window under {@link Budget#MIN_WINDOW} is refused with a message that
 * says how to load the model with a larger one.
 */
public final class WindowSetting {

    public static final String VARIABLE = "LLM_CONTEXT_TOKENS";

    private WindowSetting() {
    }

    public static Optional<ContextWindow> find(Environment env, ChatModel model, String modelName)
            throws WindowException, InterruptedException {
        Optional<String> set = env.get(VARIABLE).map(String::strip).filter(v -> !v.isEmpty());
        Optional<ContextWindow> window;
        if (set.isPresent()) {
            int tokens;
            try {
                tokens = Integer.parseInt(set.get().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new WindowException(VARIABLE + " must be a number of tokens, such as 8192, not '" + set.get() + "'");
            }
            window = Optional.of(new ContextWindow(tokens, VARIABLE));
        } else {
            window = model.contextWindow(modelName);
        }
        if (window.isPresent() && window.get().tokens() < Budget.MIN_WINDOW) {
            throw new WindowException(Budget.tooSmall(window.get()));
        }
        return window;
    }

    /** The window cannot be used: the message says why and what to do. */
    public static final class WindowException extends Exception {
        public WindowException(String message) {
            super(message);
        }
    }
}
