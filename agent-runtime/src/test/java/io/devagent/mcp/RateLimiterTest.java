package io.devagent.mcp;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token bucket, in real time. */
class RateLimiterTest {

    @Test
    void aBurstPassesThenCallsOverTheLimitAreRefusedAtOnce() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 3); // one a minute, three at once
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(Duration.ZERO)).isZero();
        }
        long started = System.nanoTime();
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(500)))
                .isInstanceOfSatisfying(RateLimiter.Refused.class,
                        r -> assertThat(r.waitNeeded()).isGreaterThan(Duration.ofSeconds(50)).isLessThanOrEqualTo(Duration.ofSeconds(60)));
        // Refused without waiting.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(400));
    }

    @Test
    void aCallWithinTheBoundWaitsForItsTurn() throws Exception {
        RateLimiter limiter = new RateLimiter(240, 1); // one every 250 ms
        assertThat(limiter.acquire(Duration.ZERO)).isZero();
        long started = System.nanoTime();
        Duration waited = limiter.acquire(Duration.ofSeconds(2));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(waited).isGreaterThan(Duration.ofMillis(50)).isLessThanOrEqualTo(Duration.ofMillis(260));
        assertThat(took).isGreaterThanOrEqualTo(waited);
        // A reservation counts: the next caller queues behind it.
        assertThatThrownBy(() -> limiter.acquire(Duration.ofMillis(100))).isInstanceOf(RateLimiter.Refused.class);
    }
}
