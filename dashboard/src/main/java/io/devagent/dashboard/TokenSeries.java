package io.devagent.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.devagent.json.Json;

/**
 * Prompt and completion tokens by step over a whole run, in at most {@value #CAPACITY} buckets of
 * equal width: when a step falls past the last bucket, neighbours are merged in pairs and the width
 * doubles, so a run of any length costs the same memory. The answer merges further, down to the
 * number of bars a chart can show.
 */
final class TokenSeries {

    static final int CAPACITY = 2048;

    private long[] prompt = new long[16];
    private long[] completion = new long[16];
    private int width = 1;
    private int used;

    /** Step {@code step} (1 and up) spent these tokens; a step answered twice (a retried reply) counts its last answer. */
    void set(int step, long promptTokens, long completionTokens, boolean replaces) {
        if (step < 1) {
            return;
        }
        int index = (step - 1) / width;
        while (index >= CAPACITY) {
            halve();
            index = (step - 1) / width;
        }
        if (index >= prompt.length) {
            int size = Math.min(CAPACITY, Math.max(index + 1, prompt.length * 2));
            prompt = java.util.Arrays.copyOf(prompt, size);
            completion = java.util.Arrays.copyOf(completion, size);
        }
        if (replaces && width == 1) {
            prompt[index] = promptTokens;
            completion[index] = completionTokens;
        } else {
            prompt[index] += promptTokens;
            completion[index] += completionTokens;
        }
        used = Math.max(used, index + 1);
    }

    private void halve() {
        for (int i = 0; i < CAPACITY / 2; i++) {
            prompt[i] = prompt[2 * i] + prompt[2 * i + 1];
            completion[i] = completion[2 * i] + completion[2 * i + 1];
        }
        java.util.Arrays.fill(prompt, CAPACITY / 2, prompt.length, 0);
        java.util.Arrays.fill(completion, CAPACITY / 2, completion.length, 0);
        width *= 2;
        used = (used + 1) / 2;
    }

    /** At most {@code bars} buckets: {@code [first step, last step, prompt, completion]} each. */
    ArrayNode toJson(int bars, int lastStep) {
        int factor = 1;
        while ((used + factor - 1) / factor > bars) {
            factor *= 2;
        }
        ArrayNode out = Json.array();
        for (int i = 0; i < used; i += factor) {
            long p = 0;
            long c = 0;
            for (int j = i; j < Math.min(used, i + factor); j++) {
                p += prompt[j];
                c += completion[j];
            }
            int from = i * width + 1;
            int to = Math.max(from, Math.min(lastStep, Math.min(used, i + factor) * width));
            out.add(Json.array().add(from).add(to).add(p).add(c));
        }
        return out;
    }
}
