package io.devagent.checkpoint;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes two files durable at once. A step commits the journal and the audit log; fsyncs issued
 * together are carried by the same filesystem journal commit, so the pair costs about one fsync
 * instead of two in a row (see BENCHMARKS.md).
 */
public final class ParallelSync {

    /** An fsync of one file. */
    @FunctionalInterface
    public interface Sync {
        void sync() throws IOException;
    }

    /** Daemon threads, created as needed and reused: an fsync blocks its thread in the kernel. */
    private static final ExecutorService SYNCERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fsync");
        thread.setDaemon(true);
        return thread;
    });

    private ParallelSync() {
    }

    /** Runs {@code first} on this thread and {@code second} beside it; returns once both are durable. */
    public static void both(Sync first, Sync second) throws IOException {
        Future<?> other = SYNCERS.submit(() -> {
            second.sync();
            return null;
        });
        IOException failure = null;
        try {
            first.sync();
        } catch (IOException e) {
            failure = e;
        }
        failure = await(other, failure);
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits without giving up on an interrupt: the caller must know whether the file is durable. */
    private static IOException await(Future<?> other, IOException failure) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    other.get();
                    return failure;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                    if (failure == null) {
                        return cause;
                    }
                    failure.addSuppressed(cause);
                    return failure;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
