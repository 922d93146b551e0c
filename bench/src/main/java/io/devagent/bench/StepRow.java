package io.devagent.bench;

/**
 * The per-step figures for one run length. {@code perStepMs} is the median run's wall time over its
 * committed steps (N tool steps + the final answer, one model request each). The model floor is
 * the same run's requests replayed on their own, in order, against the same kind of server
 * ({@link LoopbackRoundTrip#replay}); the overhead is what the run takes beyond it, per step.
 * {@code overheadVsFirstRttMs} takes off the first request's round trip instead, which leaves in
 * the cost of sending a conversation that grows.
 */
record StepRow(int toolSteps, int steps, int runs, double runMs, double perStepMs, double floorPerStepMs, double overheadMs,
               double overheadPerFsync, double overheadVsFirstRttMs, double meanRequestBytes) {

    static StepRow of(int toolSteps, int steps, int runs, double runMs, double floorMs, double rttMs, double fsyncMs,
                      double meanRequestBytes) {
        double perStep = runMs / steps;
        double floorPerStep = floorMs / steps;
        double overhead = perStep - floorPerStep;
        return new StepRow(toolSteps, steps, runs, runMs, perStep, floorPerStep, overhead, overhead / fsyncMs, perStep - rttMs,
                meanRequestBytes);
    }
}
