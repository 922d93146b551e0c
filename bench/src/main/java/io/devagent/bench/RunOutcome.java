package io.devagent.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One measured run: {@code toolSteps} read_file steps plus the final answer ({@code steps} committed
 * steps in all, one model request each), its wall time, where its files are, and two of the
 * requests the model server received (the first and the one half-way through) for replay, and
 * all of them, in order, for the model floor; and, when it was watched by a {@link PhaseListener},
 * where its time went.
 */
record RunOutcome(int toolSteps, int steps, long elapsedNanos, Path journal, Path audit,
                  byte[] firstRequest, byte[] midRequest, List<byte[]> requests, Optional<PhaseListener.Phases> phases) {

    double perStepMs() {
        return elapsedNanos / 1e6 / steps;
    }
}
