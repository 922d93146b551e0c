package io.devagent.dashboard;

import io.devagent.view.RunIndex;
import io.devagent.view.StateView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The run index, fresh enough: a view younger than {@code maxAge} is served as it is. An older one is
 * refreshed (one refresh at a time, off the event loop) and the request waits for it, unless a refresh
 * is already under way and the view is still recent, in which case it is served at once: under load at
 * most one request per interval waits, and an idle dashboard does no work at all.
 */
final class FreshIndex {

    private final Vertx vertx;
    private final StateView view;
    private final Duration maxAge;
    private final AtomicReference<Future<RunIndex.View>> refreshing = new AtomicReference<>();

    FreshIndex(Vertx vertx, StateView view, Duration maxAge) {
        this.vertx = vertx;
        this.view = view;
        this.maxAge = maxAge;
    }

    Future<RunIndex.View> get() {
        RunIndex.View current = view.index().current();
        long age = current.ageNanos(System.nanoTime());
        long max = maxAge.toNanos();
        if (current != RunIndex.View.EMPTY && age <= max) {
            return Future.succeededFuture(current);
        }
        Future<RunIndex.View> inFlight = refreshing.get();
        if (inFlight != null) {
            return current != RunIndex.View.EMPTY && age <= 5 * max ? Future.succeededFuture(current) : inFlight;
        }
        Promise<RunIndex.View> promise = Promise.promise();
        if (!refreshing.compareAndSet(null, promise.future())) {
            Future<RunIndex.View> other = refreshing.get();
            return other == null ? Future.succeededFuture(view.index().current()) : other;
        }
        vertx.executeBlocking(() -> view.index().refresh(), false).onComplete(ar -> {
            refreshing.set(null);
            promise.handle(ar);
        });
        return promise.future();
    }
}
