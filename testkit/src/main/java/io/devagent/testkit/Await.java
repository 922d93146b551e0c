package io.devagent.testkit;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a condition on files that another process writes (a pid file, a status file, an
 * audit log): it re-checks whenever something changes in the watched directory, not on a clock.
 * One place for the tests' waits, instead of a polling loop in each test class.
 */
public final class Await {

    /** A condition that may read files or call the CLI. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /**
     * Returns once {@code check} holds, re-checking at each change under {@code dir} (created if
     * missing); throws an {@link AssertionError} naming {@code what} when {@code limit} passes first.
     */
    public static void until(String what, Path dir, Duration limit, Check check) throws Exception {
        if (!eventually(dir, limit, check)) {
            throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
        }
    }

    /** Whether {@code check} comes to hold within {@code limit}; for asserting that something never happens too. */
    public static boolean eventually(Path dir, Duration limit, Check check) throws Exception {
        Files.createDirectories(dir);
        long deadline = System.nanoTime() + limit.toNanos();
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            while (!check.holds()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // Changes deeper than dir (or in another process's memory) have no event: re-check at least every 100 ms.
                var key = watcher.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            return true;
        } catch (ClosedWatchServiceException | IOException e) {
            throw new IllegalStateException("cannot watch " + dir, e);
        }
    }
}
