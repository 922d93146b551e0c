package io.devagent.mcp;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket for one endpoint's tool calls: it holds at most {@code burst} tokens and gains
 * {@code requestsPerMinute / 60} a second. A call takes a token; when none is left it reserves the
 * next one and waits for it, unless that wait would be longer than the bound, in which case it is
 * refused at once and reserves nothing. Thread-safe; waiting happens outside the lock.
 */
public final class RateLimiter {

    private final double perNano;
    private final int burst;
    private final double requestsPerMinute;
    private double tokens;
    private long refilledAt;

    public RateLimiter(double requestsPerMinute, int burst) {
        if (requestsPerMinute <= 0 || burst < 1) {
            throw new IllegalArgumentException("requestsPerMinute must be above 0 and burst at least 1");
        }
        this.requestsPerMinute = requestsPerMinute;
        this.perNano = requestsPerMinute / 60e9;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = System.nanoTime();
    }

    public double requestsPerMinute() {
        return requestsPerMinute;
    }

    public int burst() {
        return burst;
    }

    /**
     * Takes a token, waiting for it at most {@code maxWait}. Returns how long it waited; throws
     * {@link Refused} (having taken nothing) when the wait would be longer than that.
     */
    public Duration acquire(Duration maxWait) throws InterruptedException, Refused {
        long wait = reserve(maxWait.toNanos());
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        return Duration.ofNanos(wait);
    }

    /** Reserves a token: the nanoseconds until it is due (0: now), or throws when that is beyond {@code maxWaitNanos}. */
    synchronized long reserve(long maxWaitNanos) throws Refused {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        long wait = (long) Math.ceil((1 - tokens) / perNano);
        if (wait > maxWaitNanos) {
            throw new Refused(Duration.ofNanos(wait));
        }
        tokens -= 1; // a reservation: callers after this one wait behind it
        return wait;
    }

    /** The call would have had to wait {@code wait} for its turn. */
    public static final class Refused extends Exception {
        private final Duration wait;

        Refused(Duration wait) {
            super("the next call is due in " + wait.toMillis() + " ms", null, false, false);
            this.wait = wait;
        }

        public Duration waitNeeded() {
            return wait;
        }
    }
}
