package io.devagent.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-file writes that a crash cannot leave half-written: write a temporary file beside the
 * target, flush it, rename it over the target.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Replaces {@code target} with {@code bytes}. With {@code durable}, the data and the rename are
     * fsync'd too; without it, a power loss may keep the old version, but never a torn one.
     */
    public static void write(Path target, byte[] bytes, boolean durable) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            FileChannel opened;
            try {
                opened = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (java.nio.file.NoSuchFileException e) {
                // Creating the directory only when it is missing keeps the common case to one system call.
                Files.createDirectories(dir);
                opened = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            try (FileChannel channel = opened) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (durable) {
                    channel.force(true);
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (durable) {
                fsyncDirectory(dir);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes a rename or a new file in {@code dir} durable. Some filesystems refuse; the data is still safe there. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Directories cannot be opened for fsync on every platform; the rename itself is still atomic.
        }
    }
}
