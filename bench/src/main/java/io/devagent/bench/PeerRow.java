package io.devagent.bench;

/**
 * One side's figures for one run length in the peer benchmark: the median run, and the loopback
 * round trip of that side's own half-way request, which stands for the mean model exchange of the run
 * (its requests grow linearly), so that the overhead left is what the framework adds per step.
 */
record PeerRow(int toolSteps, String side, int runs, double runMs, int steps, int firstRequestBytes, double firstRttMs,
               int midRequestBytes, double midRttMs) {

    double perStepMs() {
        return runMs / steps;
    }

    double overheadMs() {
        return perStepMs() - midRttMs;
    }
}
