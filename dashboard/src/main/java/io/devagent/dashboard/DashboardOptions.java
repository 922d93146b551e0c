package io.devagent.dashboard;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the dashboard listens and behaves. {@code token} is {@code AGENT_DASHBOARD_TOKEN}: when it is
 * present every route but {@code /health} (and the page's static files, which hold no state) wants
 * {@code Authorization: Bearer <token>}. {@link #toString()} never shows the token.
 *
 * @param host           the address to bind (default 127.0.0.1: loopback only)
 * @param port           the port (default 7081; 0 picks a free one)
 * @param token          the bearer token, if auth is on
 * @param reloadWait     how long {@code POST /policies/reload} waits for the runtime's answer
 * @param reloadInterval the least time between two reloads (more often: 429 with Retry-After)
 * @param runsMaxAge     how old the run index may be before a request refreshes it
 * @param followPoll     how often a live log stream looks for new lines
 * @param ticketTtl      how long a stream ticket stays valid (it is single-use)
 * @param maxStreams     the most live log streams open at once
 */
public record DashboardOptions(String host, int port, Optional<String> token, Duration reloadWait, Duration reloadInterval,
                               Duration runsMaxAge, Duration followPoll, Duration ticketTtl, int maxStreams) {

    public static final int DEFAULT_PORT = 7081;
    public static final String DEFAULT_HOST = "127.0.0.1";

    public DashboardOptions {
        Objects.requireNonNull(host, "host");
        token = token == null ? Optional.empty() : token.filter(t -> !t.isBlank());
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be between 0 and 65535, not " + port);
        }
    }

    public static DashboardOptions defaults() {
        return new DashboardOptions(DEFAULT_HOST, DEFAULT_PORT, Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(30), 256);
    }

    public DashboardOptions withHost(String host) {
        return new DashboardOptions(host, port, token, reloadWait, reloadInterval, runsMaxAge, followPoll, ticketTtl, maxStreams);
    }

    public DashboardOptions withPort(int port) {
        return new DashboardOptions(host, port, token, reloadWait, reloadInterval, runsMaxAge, followPoll, ticketTtl, maxStreams);
    }

    public DashboardOptions withToken(Optional<String> token) {
        return new DashboardOptions(host, port, token, reloadWait, reloadInterval, runsMaxAge, followPoll, ticketTtl, maxStreams);
    }

    public DashboardOptions withReload(Duration wait, Duration interval) {
        return new DashboardOptions(host, port, token, wait, interval, runsMaxAge, followPoll, ticketTtl, maxStreams);
    }

    public DashboardOptions withRunsMaxAge(Duration maxAge) {
        return new DashboardOptions(host, port, token, reloadWait, reloadInterval, maxAge, followPoll, ticketTtl, maxStreams);
    }

    public DashboardOptions withMaxStreams(int maxStreams) {
        return new DashboardOptions(host, port, token, reloadWait, reloadInterval, runsMaxAge, followPoll, ticketTtl, maxStreams);
    }

    public boolean authEnabled() {
        return token.isPresent();
    }

    @Override
    public String toString() {
        return "DashboardOptions[host=" + host + ", port=" + port + ", auth=" + (authEnabled() ? "on" : "off") + ", reloadWait=" + reloadWait
                + ", reloadInterval=" + reloadInterval + ", runsMaxAge=" + runsMaxAge + ", followPoll=" + followPoll + ", ticketTtl="
                + ticketTtl + ", maxStreams=" + maxStreams + "]";
    }
}
