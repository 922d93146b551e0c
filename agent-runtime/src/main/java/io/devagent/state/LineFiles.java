package io.devagent.state;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads files of newline-ended lines that are only ever appended to (the audit logs, the
 * journals): from the end backwards, from any offset forwards, or whole. Only complete lines count:
 * a last line without its newline is one a writer is still appending, or one a crash tore.
 * The one reader of these files; {@link AppendOnlyLines} is their one writer.
 */
public final class LineFiles {

    private static final int CHUNK = 64 * 1024;

    private LineFiles() {
    }

    /** The size up to and including the last newline. */
    public static long completeEnd(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return 0;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        readFully(channel, one, size - 1);
        if (one.get(0) == '\n') {
            return size;
        }
        return lastIndexOf(channel, size, (byte) '\n') + 1;
    }

    /** The offset of the last {@code wanted} byte before {@code before}, or −1. */
    public static long lastIndexOf(FileChannel channel, long before, byte wanted) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long pos = before;
        while (pos > 0) {
            int len = (int) Math.min(chunk.capacity(), pos);
            chunk.clear().limit(len);
            readFully(channel, chunk, pos - len);
            for (int i = len - 1; i >= 0; i--) {
                if (chunk.get(i) == wanted) {
                    return pos - len + i;
                }
            }
            pos -= len;
        }
        return -1;
    }

    /** The last complete line before {@code end} (which follows a newline), without its newline; null when there is none. */
    public static String lastLine(FileChannel channel, long end) throws IOException {
        if (end == 0) {
            return null;
        }
        long start = lastIndexOf(channel, end - 1, (byte) '\n') + 1;
        return new String(read(channel, start, end - 1), StandardCharsets.UTF_8);
    }

    /** The offset where the {@code count}-th complete line from the end starts (0 when there are fewer). */
    public static long startOfLastLines(FileChannel channel, long end, int count) throws IOException {
        int found = 0;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long pos = end - 1;
        while (pos > 0) {
            int len = (int) Math.min(CHUNK, pos);
            chunk.clear().limit(len);
            readFully(channel, chunk, pos - len);
            for (int i = len - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n' && ++found == count) {
                    return pos - len + i + 1;
                }
            }
            pos -= len;
        }
        return 0;
    }

    /** The first line start at or after {@code pos} (a line starts at 0 or after a newline). */
    public static long nextLineStart(FileChannel channel, long pos, long end) throws IOException {
        if (pos == 0) {
            return 0;
        }
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long at = pos - 1;
        while (at < end) {
            int len = (int) Math.min(chunk.capacity(), end - at);
            chunk.clear().limit(len);
            readFully(channel, chunk, at);
            for (int i = 0; i < len; i++) {
                if (chunk.get(i) == '\n') {
                    return at + i + 1;
                }
            }
            at += len;
        }
        return end;
    }

    /** The line starting at {@code start}, without its newline; {@code start} must be before {@code end}. */
    public static byte[] readLine(FileChannel channel, long start, long end) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(2048);
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        long at = start;
        while (at < end) {
            int len = (int) Math.min(chunk.capacity(), end - at);
            chunk.clear().limit(len);
            readFully(channel, chunk, at);
            for (int i = 0; i < len; i++) {
                if (chunk.get(i) == '\n') {
                    line.write(chunk.array(), 0, i);
                    return line.toByteArray();
                }
            }
            line.write(chunk.array(), 0, len);
            at += len;
        }
        return line.toByteArray();
    }

    /** One complete line as {@link #forEachLine} hands it over (the bytes of {@code buffer} from {@code from} to {@code to}); false stops the reading. */
    public interface LineConsumer {
        boolean accept(byte[] buffer, int from, int to) throws IOException;
    }

    /** The complete lines from {@code start} to {@code end}, in order, until the consumer says stop; read in chunks (a longer line whole). */
    public static void forEachLine(FileChannel channel, long start, long end, LineConsumer consumer) throws IOException {
        long pos = start;
        while (pos < end) {
            byte[] bytes = read(channel, pos, Math.min(end, pos + CHUNK));
            int from = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    if (!consumer.accept(bytes, from, i)) {
                        return;
                    }
                    from = i + 1;
                }
            }
            if (from == 0) {
                byte[] line = readLine(channel, pos, end);
                if (!consumer.accept(line, 0, line.length)) {
                    return;
                }
                from = line.length + 1;
            }
            pos += from;
        }
    }

    public static byte[] read(FileChannel channel, long from, long to) throws IOException {
        long length = to - from;
        if (length > Integer.MAX_VALUE - 16) {
            throw new IOException("a read of " + length + " bytes is too large");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        readFully(channel, buffer, from);
        return buffer.array();
    }

    public static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("the file shrank while it was being read");
            }
            at += n;
        }
    }
}
