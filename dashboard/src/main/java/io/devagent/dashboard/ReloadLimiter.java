package io.devagent.dashboard;

import java.time.Duration;

/**
 * At most one policy reload at a time, and at least {@code interval} between the starts of two:
 * each one signals the runtime and makes it re-read and re-validate the policy file.
 */
final class ReloadLimiter {

    private final long intervalNanos;
    private long lastStart;
    private boolean started;
    private boolean inFlight;

    ReloadLimiter(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** 0 when a reload may start now (it is then counted as started), else how long to wait, in milliseconds (at least 1). */
    synchronized long tryAcquire(long nowNanos) {
        long waitNanos = 0;
        if (started) {
            waitNanos = Math.max(waitNanos, intervalNanos - (nowNanos - lastStart));
        }
        if (inFlight) {
            waitNanos = Math.max(waitNanos, 1_000_000_000L);
        }
        if (waitNanos > 0) {
            return Math.max(1, waitNanos / 1_000_000);
        }
        started = true;
        inFlight = true;
        lastStart = nowNanos;
        return 0;
    }

    synchronized void release() {
        inFlight = false;
    }
}
