package io.devagent.context;

/**
 * Tokens from bytes. It starts cautious (three bytes a token, which over-counts code and JSON for
 * the common tokenizers) and is then calibrated from each reply's {@code usage.prompt_tokens}
 * against the bytes that request carried, with a margin, so that the estimate errs on the side of
 * a smaller prompt.
 */
public final class TokenEstimate {

    /** Before any reply: three bytes a token. */
    public static final double CAUTIOUS_TOKENS_PER_BYTE = 1.0 / 3.0;
    private static final double MARGIN = 1.08;

    private double tokensPerByte = CAUTIOUS_TOKENS_PER_BYTE;

    public long tokens(long bytes) {
        return (long) Math.ceil(bytes * tokensPerByte);
    }

    public long bytes(long tokens) {
        return (long) Math.floor(tokens / tokensPerByte);
    }

    /** A reply's usage for a request of {@code bytes}: the estimate follows what the server counted. */
    public void calibrate(long bytes, long promptTokens) {
        if (bytes < 1024 || promptTokens <= 0) {
            return; // too small a sample (or no usage reported): fixed overheads dominate it
        }
        tokensPerByte = (double) promptTokens / bytes * MARGIN;
    }

    /** The server counted more than {@code tokens} for {@code bytes} (an overflow answer): never estimate below that again. */
    public void atLeast(long bytes, long tokens) {
        if (bytes > 0) {
            tokensPerByte = Math.max(tokensPerByte, (double) tokens / bytes * MARGIN);
        }
    }

    public double tokensPerByte() {
        return tokensPerByte;
    }
}
