package io.devagent.mcp;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint's tool-call limit, as a Bucket4j token bucket: it holds at most {@code burst} tokens
 * and gains {@code requestsPerMinute / 60} a second. A call takes a token; when none is left it
 * reserves the next one and waits for it, unless that wait would be longer than the bound, in which
 * case it is refused at once and reserves nothing. Thread-safe.
 */
public final class RateLimiter {

    private final Bucket bucket;
    private final BlockingStrategy waiting;
    private final int burst;
    private final double requestsPerMinute;

    public RateLimiter(double requestsPerMinute, int burst) {
        this(requestsPerMinute, burst, TimeMeter.SYSTEM_NANOTIME, BlockingStrategy.PARKING);
    }

    /** With its own clock and way of waiting: tests move a clock of their own instead of waiting. */
    RateLimiter(double requestsPerMinute, int burst, TimeMeter clock, BlockingStrategy waiting) {
        if (requestsPerMinute <= 0 || burst < 1) {
            throw new IllegalArgumentException("requestsPerMinute must be above 0 and burst at least 1");
        }
        this.requestsPerMinute = requestsPerMinute;
        this.burst = burst;
        this.waiting = waiting;
        // One token every 60 / requestsPerMinute seconds, added continuously (a rate below one a minute works too).
        Duration perToken = Duration.ofNanos(Math.max(1, Math.round(60e9 / requestsPerMinute)));
        this.bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(1, perToken).build())
                .withCustomTimePrecision(clock)
                .build();
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
        AtomicLong waited = new AtomicLong();
        BlockingStrategy counting = nanos -> {
            waited.addAndGet(nanos);
            waiting.park(nanos);
        };
        // Bucket4j waits only for a positive bound; with none, a token is there now or not at all.
        boolean taken = maxWait.isPositive() ? bucket.asBlocking().tryConsume(1, maxWait, counting) : bucket.tryConsume(1);
        if (taken) {
            return Duration.ofNanos(waited.get());
        }
        throw new Refused(Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
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
