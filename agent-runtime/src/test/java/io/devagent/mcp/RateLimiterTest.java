package io.devagent.mcp;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rate limit on a clock of the test's own: waiting moves the clock, so nothing waits out real time. */
class RateLimiterTest {

    /** A clock that only moves when something waits on it. */
    static final class TestClock implements TimeMeter, BlockingStrategy {
        final AtomicLong now = new AtomicLong(1_000_000_000L);
        final AtomicLong waited = new AtomicLong();

        @Override
        public long currentTimeNanos() {
            return now.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        @Override
        public void park(long nanos) {
            waited.addAndGet(nanos);
            now.addAndGet(nanos);
        }
    }

    @Test
    void aBurstPassesThenCallsOverTheLimitAreRefusedAtOnce() throws Exception {
        TestClock clock = new TestClock();
        RateLimiter limiter = new RateLimiter(1, 3, clock, clock); // one a minute, three at once
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(Duration.ZERO)).isZero();
        }
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(500)))
                .isInstanceOfSatisfying(RateLimiter.Refused.class, r -> assertThat(r.waitNeeded()).isEqualTo(Duration.ofSeconds(60)));
        // Refused without waiting, and without taking a token: a minute later one call goes through.
        assertThat(clock.waited.get()).isZero();
        clock.now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(limiter.acquire(Duration.ZERO)).isZero();
    }

    @Test
    void aCallWithinTheBoundWaitsForItsTurn() throws Exception {
        TestClock clock = new TestClock();
        RateLimiter limiter = new RateLimiter(240, 1, clock, clock); // one every 250 ms
        assertThat(limiter.acquire(Duration.ZERO)).isZero();
        clock.now.addAndGet(Duration.ofMillis(100).toNanos());

        assertThat(limiter.acquire(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(150));
        assertThat(clock.waited.get()).isEqualTo(Duration.ofMillis(150).toNanos());
        // A reservation counts: the next caller queues behind it, a whole interval on.
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(100)))
                .isInstanceOfSatisfying(RateLimiter.Refused.class, r -> assertThat(r.waitNeeded()).isEqualTo(Duration.ofMillis(250)));
        assertThat(limiter.acquire(Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aRateBelowOneAMinuteIsKept() throws Exception {
        TestClock clock = new TestClock();
        RateLimiter limiter = new RateLimiter(0.5, 1, clock, clock); // one every two minutes
        limiter.acquire(Duration.ZERO);
        assertThatThrownBy(() -> limiter.acquire(Duration.ofSeconds(60)))
                .isInstanceOfSatisfying(RateLimiter.Refused.class, r -> assertThat(r.waitNeeded()).isEqualTo(Duration.ofMinutes(2)));
    }
}
