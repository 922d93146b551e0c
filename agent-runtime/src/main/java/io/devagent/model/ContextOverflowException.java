package io.devagent.model;

import java.util.OptionalInt;

/**
 * The server refused the request because its prompt does not fit the loaded context window
 * (llama.cpp's {@code exceed_context_size_error}, vLLM's and OpenAI's "maximum context length",
 * LM Studio's "n_keep ... n_ctx"). {@link #window()} is the real window when the answer tells it.
 */
public final class ContextOverflowException extends ModelRequestException {

    private final transient OptionalInt window;

    public ContextOverflowException(int status, String message, OptionalInt window) {
        super(status, message, false);
        this.window = window;
    }

    public OptionalInt window() {
        return window;
    }
}
