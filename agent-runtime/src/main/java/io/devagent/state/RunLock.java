package io.devagent.state;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ownership of one run: an OS file lock on {@code checkpoints/<run_id>/lock}. The OS drops it when
 * the owner dies, however it dies, so a crashed run can be resumed and a live one cannot be run twice.
 */
public final class RunLock implements Closeable {

    /**
     * The locks this process holds. The OS lock belongs to the process, and closing any descriptor of
     * the file drops it, so this process must not open a locked file again (to try it or to read it).
     */
    private static final Map<Path, RunLock> HELD = new ConcurrentHashMap<>();
    /** Stands in {@link #HELD} for a lock being taken. */
    private static final RunLock RESERVED = new RunLock(null, null, null);

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, or returns empty with the holder's pid (if known) when another process holds it.
     * The file is reserved in {@link #HELD} before it is opened, so that taking one run's lock never waits
     * on another's: runs started together used to queue on one lock for the whole process.
     */
    public static Optional<RunLock> tryAcquire(Path lockFile) throws IOException {
        Path dir = lockFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path key = key(lockFile);
        if (HELD.putIfAbsent(key, RESERVED) != null) {
            return Optional.empty(); // held (or being taken) by this very process
        }
        RunLock runLock = null;
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            try {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            runLock = new RunLock(key, channel, lock);
            HELD.put(key, runLock);
            return Optional.of(runLock);
        } finally {
            if (runLock == null) {
                HELD.remove(key, RESERVED);
            }
        }
    }

    /**
     * Whether some live process holds the lock now: this one (a run in flight here), or another
     * (found by trying the lock and letting it go at once). A missing file is not held. Readers use
     * it to tell a {@code running} run whose owner died ({@code interrupted}) from a live one.
     */
    public static boolean held(Path lockFile) {
        Path key;
        try {
            key = key(lockFile);
        } catch (IOException e) {
            return false; // no checkpoint directory: nobody runs it
        }
        if (HELD.putIfAbsent(key, RESERVED) != null) {
            return true; // held, or being taken, by this very process
        }
        // Read-only and shared: a reader with no write access to the state directory can still tell.
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ)) {
            FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false; // no lock file: the run never started in a process that could still hold it
        } finally {
            HELD.remove(key, RESERVED);
        }
    }

    /** The lock file's identity in {@link #HELD}; its directory must exist. */
    private static Path key(Path lockFile) throws IOException {
        return lockFile.toAbsolutePath().getParent().toRealPath().resolve(lockFile.getFileName());
    }

    /** The pid written by the current holder, for messages. */
    public static String holder(Path lockFile) {
        try {
            if (HELD.containsKey(key(lockFile))) {
                return Long.toString(ProcessHandle.current().pid());
            }
            return Files.readString(lockFile).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Releases the lock. The key leaves {@link #HELD} only once the file is closed: closing a descriptor
     * drops every lock this process holds on the file, so it must not be opened again before that.
     */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(key, this);
            }
        }
    }
}
