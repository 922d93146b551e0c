package io.devagent.cli.k8s;

import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Watchable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes a waiter whenever one of the watched resources changes in the cluster, so that a command
 * waiting for the operator re-reads what it waits for at each change, not on a clock. Open it
 * before making the request the operator answers, so that no change is missed.
 */
public final class ChangeSignal implements AutoCloseable {

    private final Semaphore changed = new Semaphore(0);
    private final List<Watch> watches = new ArrayList<>();

    /** Watches {@code source} too. */
    public <T> ChangeSignal on(Watchable<T> source) {
        watches.add(source.watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, T resource) {
                changed.release();
            }

            @Override
            public void onClose(WatcherException cause) {
                changed.release(); // a closed watch sees no more changes: the waiter looks once more and waits out its deadline
            }
        }));
        return this;
    }

    /** Waits for a change after the last one seen, until {@code deadlineNanos} ({@link System#nanoTime()}); whether one came. */
    public boolean awaitChange(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        boolean came = left > 0 && changed.tryAcquire(left, TimeUnit.NANOSECONDS);
        changed.drainPermits(); // one look covers every change so far
        return came;
    }

    @Override
    public void close() {
        watches.forEach(Watch::close);
    }
}
