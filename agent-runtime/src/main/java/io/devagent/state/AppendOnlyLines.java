package io.devagent.state;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The writing end of a file of lines that is only ever appended to (an audit log, a journal): each
 * line goes out in one gathering write, {@link #force} makes what was appended durable, and
 * opening cuts off a last line a crash tore (it was never complete, so it never happened).
 */
public final class AppendOnlyLines implements Closeable {

    private final FileChannel channel;
    private long size;

    private AppendOnlyLines(FileChannel channel, long size) {
        this.channel = channel;
        this.size = size;
    }

    /** A new, empty file (it must not exist), its directory entry made durable. */
    public static AppendOnlyLines create(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        AtomicFiles.fsyncDirectory(file.getParent());
        return new AppendOnlyLines(channel, 0);
    }

    /** The file (made when missing), opened for appending after its last complete line. */
    public static AppendOnlyLines open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long end = LineFiles.completeEnd(channel);
            if (end < channel.size()) {
                channel.truncate(end);
                channel.force(false);
            }
            channel.position(end);
            return new AppendOnlyLines(channel, end);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The last complete line, or null for an empty file. */
    public synchronized String lastLine() throws IOException {
        return LineFiles.lastLine(channel, size);
    }

    /** Appends {@code parts} in one write (their last byte is the line's newline). */
    public synchronized void append(ByteBuffer... parts) throws IOException {
        ByteBuffer last = parts[parts.length - 1];
        while (last.hasRemaining()) {
            size += channel.write(parts);
        }
    }

    /** Makes every appended line durable. */
    public synchronized void force() throws IOException {
        channel.force(false);
    }

    /** The bytes appended so far, the cut tail left out. */
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
