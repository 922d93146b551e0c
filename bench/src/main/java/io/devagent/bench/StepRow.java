package io.devagent.bench;

/**
 * The per-step figures for one run length. {@code perStepMs} is the median run's wall time over its
 * committed steps (N tool steps + the final answer, one model request each); the overhead is what
 * is left once the baseline round trip is taken off, and {@code netOfMidRttMs} what is left once
 * the round trip of the run's own half-way request (a conversation of average length) is.
 */
record StepRow(int toolSteps, int steps, int runs, double runMs, double perStepMs, double overheadMs,
               double overheadPerFsync, double midRequestBytes, double midRttMs, double netOfMidRttMs) {

    static StepRow of(int toolSteps, int steps, int runs, double runMs, double rttMs, double fsyncMs,
                      double midRequestBytes, double midRttMs) {
        double perStep = runMs / steps;
        double overhead = perStep - rttMs;
        return new StepRow(toolSteps, steps, runs, runMs, perStep, overhead, overhead / fsyncMs, midRequestBytes, midRttMs,
                perStep - midRttMs);
    }
}
