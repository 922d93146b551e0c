package io.devagent.state;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a file that another process writes to say something: the condition is checked again
 * at each change in the file's directory (a write, or the rename of an atomic write), not on a
 * clock. Open it before asking the other process to write, so that no change is missed.
 */
public final class FileChanges implements AutoCloseable {

    /** A condition on the files. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws IOException;
    }

    private final WatchService watcher;

    private FileChanges(WatchService watcher) {
        this.watcher = watcher;
    }

    /** Starts watching {@code dir}, which must exist. */
    public static FileChanges in(Path dir) throws IOException {
        return in(new Path[] {dir});
    }

    /** Starts watching several directories, which must exist: a change in any of them wakes the waiter. */
    public static FileChanges in(Path... dirs) throws IOException {
        WatchService watcher = FileSystems.getDefault().newWatchService();
        try {
            for (Path dir : dirs) {
                dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        } catch (IOException | RuntimeException e) {
            watcher.close();
            throw e;
        }
        return new FileChanges(watcher);
    }

    /** Whether {@code check} holds by {@code deadlineNanos} (a {@link System#nanoTime()} value). */
    public boolean awaitUntil(long deadlineNanos, Check check) throws IOException, InterruptedException {
        while (!check.holds()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            WatchKey key = watcher.poll(left, TimeUnit.NANOSECONDS);
            if (key != null) {
                key.pollEvents();
                key.reset();
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
