package io.devagent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A run's append-only, hash-chained event stream ({@code audit/run-<run_id>.jsonl}). Each line is
 * {@code {"seq","ts","run_id","type","data","prev","hash"}}: {@code hash} is the SHA-256 (hex) of
 * the line exactly as written without its {@code ,"hash":"…"} member, and {@code prev} is the
 * previous line's hash ({@code null} on the first line). Lines are fsync'd by {@link #sync()}, which
 * the run calls at each checkpoint.
 */
public final class AuditLog implements Closeable {

    private final String runId;
    private final Redactor redactor;
    private final FileChannel channel;
    private long seq;
    private String lastHash;

    private AuditLog(String runId, Redactor redactor, FileChannel channel, long seq, String lastHash) {
        this.runId = runId;
        this.redactor = redactor;
        this.channel = channel;
        this.seq = seq;
        this.lastHash = lastHash;
    }

    /**
     * Opens the log for appending, continuing its chain. A last line torn by a crash (no newline)
     * was never part of the chain, so it is cut off before appending.
     */
    public static AuditLog open(Path file, String runId, Redactor redactor) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long end = TailReader.cutTornTail(channel);
            String last = TailReader.lastLine(channel, end);
            long seq = 0;
            String hash = null;
            if (last != null) {
                JsonNode node = Json.parse(last);
                seq = node.path("seq").asLong();
                hash = node.path("hash").asText(null);
            }
            channel.position(end);
            return new AuditLog(runId, redactor, channel, seq, hash);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Appends one event; its data is redacted first. */
    public synchronized void append(String type, ObjectNode data) throws IOException {
        ObjectNode event = Json.object();
        event.put("seq", seq + 1);
        event.put("ts", Instant.now().toString());
        event.put("run_id", runId);
        event.put("type", type);
        event.set("data", data == null ? Json.object() : redactor.redact(data));
        if (lastHash == null) {
            event.putNull("prev");
        } else {
            event.put("prev", lastHash);
        }
        byte[] body = Json.bytes(event);
        String hash = sha256(body);
        // The line is the body without its closing brace, then the hash member and the brace: one write.
        ByteBuffer[] line = {ByteBuffer.wrap(body, 0, body.length - 1),
                ByteBuffer.wrap((",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII))};
        while (line[1].hasRemaining()) {
            channel.write(line);
        }
        seq++;
        lastHash = hash;
    }

    /** Makes every appended line durable. */
    public synchronized void sync() throws IOException {
        channel.force(false);
    }

    public synchronized long lastSeq() {
        return seq;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Reads backwards from the end of a file, so that reopening a long log costs one line, not the log. */
    static final class TailReader {
        private TailReader() {
        }

        /** Truncates anything after the last newline and returns the new size. */
        static long cutTornTail(FileChannel channel) throws IOException {
            long size = channel.size();
            long lastNewline = lastIndexOf(channel, size, (byte) '\n');
            long end = lastNewline < 0 ? 0 : lastNewline + 1;
            if (end < size) {
                channel.truncate(end);
                channel.force(false);
            }
            return end;
        }

        /** The last complete line before {@code end} (which follows a newline), or null. */
        static String lastLine(FileChannel channel, long end) throws IOException {
            if (end == 0) {
                return null;
            }
            long previousNewline = lastIndexOf(channel, end - 1, (byte) '\n');
            long start = previousNewline + 1;
            ByteBuffer buffer = ByteBuffer.allocate((int) (end - 1 - start));
            channel.read(buffer, start);
            return new String(buffer.array(), StandardCharsets.UTF_8);
        }

        static long lastIndexOf(FileChannel channel, long before, byte wanted) throws IOException {
            ByteBuffer chunk = ByteBuffer.allocate(8192);
            long pos = before;
            while (pos > 0) {
                int len = (int) Math.min(chunk.capacity(), pos);
                chunk.clear().limit(len);
                channel.read(chunk, pos - len);
                for (int i = len - 1; i >= 0; i--) {
                    if (chunk.get(i) == wanted) {
                        return pos - len + i;
                    }
                }
                pos -= len;
            }
            return -1;
        }
    }

}
