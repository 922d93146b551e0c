package io.devagent.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;

/** Who hears a hosted run's events: a client's connection, or nobody (a run the runtime resumed by itself). */
interface Follower {

    /** Nobody follows: a run resumed on start is told only to the runtime's log. */
    Follower NONE = new Follower() {
        @Override
        public void send(ObjectNode event, boolean droppable) {
        }

        @Override
        public void close(Duration grace) {
        }
    };

    /** Queues an event; a {@code droppable} one is dropped when the follower lags. */
    void send(ObjectNode event, boolean droppable);

    /** Writes what is queued (for at most {@code grace}), then hangs up; safe to call more than once. */
    void close(Duration grace);
}
