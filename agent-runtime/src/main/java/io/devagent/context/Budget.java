package io.devagent.context;

import io.devagent.model.ContextWindow;

import java.util.Optional;

/**
 * The room a run has in the model's context window: the window (reported by the server, set by
 * {@code LLM_CONTEXT_TOKENS}, or learned from an overflow answer), the part kept for the reply, and
 * what is left for the prompt. Compaction starts when the next prompt would pass the prompt budget,
 * and brings it down to under a third of it, so that many steps extend the same prefix before the next one;
 * or, when only a summary could do that, to under nine tenths of it with placeholders alone.
 */
public final class Budget {

    /** Below this a run cannot hold a system prompt, the tools, the goal and a step or two. */
    public static final int MIN_WINDOW = 4096;
    /** Share of the prompt budget a compaction aims for: the rest is room to grow between compactions. */
    static final double TARGET_SHARE = 0.3;
    /**
     * Share of the prompt budget under which a compaction with placeholders only is taken when the
     * target is out of reach: it keeps the request's prefix up to the earlier placeholders, where a
     * summary rewrites all that follows the goal (and costs a model request).
     */
    static final double PLACEHOLDER_SHARE = 0.9;
    /** Share of the prompt budget one tool output may take. */
    static final double TOOL_OUTPUT_SHARE = 0.2;

    private ContextWindow window;
    private final TokenEstimate estimate = new TokenEstimate();

    public Budget(Optional<ContextWindow> window) {
        this.window = window.orElse(null);
    }

    public Optional<ContextWindow> window() {
        return Optional.ofNullable(window);
    }

    public TokenEstimate estimate() {
        return estimate;
    }

    /** Tokens kept free for the model's answer: an eighth of the window, between 512 and 8,192. */
    public int replyReserve() {
        return window == null ? 0 : Math.clamp(window.tokens() / 8, 512, 8192);
    }

    /** Tokens the prompt may take; unlimited while the window is unknown. */
    public long promptBudget() {
        return window == null ? Long.MAX_VALUE : window.tokens() - replyReserve();
    }

    public boolean fits(long promptBytes) {
        return estimate.tokens(promptBytes) <= promptBudget();
    }

    long targetTokens() {
        return (long) (promptBudget() * TARGET_SHARE);
    }

    long placeholderTokens() {
        return (long) (promptBudget() * PLACEHOLDER_SHARE);
    }

    /** The bytes of steps a summary request may carry: three quarters of the budget, the rest for the prompt and the reply. */
    long summaryInputBytes() {
        return estimate.bytes(Math.max(512, promptBudget() - promptBudget() / 4));
    }

    /**
     * The bytes one tool output may take, besides {@code limits.maxToolOutputBytes}. It is worked
     * out from the window with the cautious estimate, not the calibrated one, so that the same call
     * gives the same output all run long (resume and replay see the same bytes).
     */
    public int toolOutputBytes(int policyMax) {
        if (window == null) {
            return policyMax;
        }
        long bytes = (long) (promptBudget() * TOOL_OUTPUT_SHARE / TokenEstimate.CAUTIOUS_TOKENS_PER_BYTE);
        return (int) Math.max(1024, Math.min(policyMax, bytes));
    }

    public void learn(ContextWindow learned) {
        this.window = learned;
    }

    /** The refusal for a window too small to work in, saying how to load the model with a larger one. */
    public static String tooSmall(ContextWindow window) {
        return "the model's context window is " + window.tokens() + " tokens (" + window.source() + "); dev-agent needs at least "
                + MIN_WINDOW + ". Load the model with a larger context: LM Studio: set Context Length to 8192 or more when loading "
                + "(lms load MODEL --context-length 8192); Ollama: OLLAMA_CONTEXT_LENGTH=8192 or PARAMETER num_ctx 8192; "
                + "llama.cpp: llama-server -c 8192 (times --parallel, which splits it); vLLM: --max-model-len 8192. "
                + "Or set LLM_CONTEXT_TOKENS if the server reports it wrongly";
    }
}
