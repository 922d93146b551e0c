package io.devagent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.state.AppendOnlyLines;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    private final AppendOnlyLines file;
    private long seq;
    private String lastHash;

    private AuditLog(String runId, Redactor redactor, AppendOnlyLines file, long seq, String lastHash) {
        this.runId = runId;
        this.redactor = redactor;
        this.file = file;
        this.seq = seq;
        this.lastHash = lastHash;
    }

    /**
     * Opens the log for appending, continuing its chain. A last line torn by a crash (no newline)
     * was never part of the chain, so it is cut off before appending.
     */
    public static AuditLog open(Path path, String runId, Redactor redactor) throws IOException {
        AppendOnlyLines file = AppendOnlyLines.open(path);
        try {
            String last = file.lastLine();
            long seq = 0;
            String hash = null;
            if (last != null) {
                JsonNode node = Json.parse(last);
                seq = node.path("seq").asLong();
                hash = node.path("hash").asText(null);
            }
            return new AuditLog(runId, redactor, file, seq, hash);
        } catch (IOException | RuntimeException e) {
            file.close();
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
        file.append(ByteBuffer.wrap(body, 0, body.length - 1),
                ByteBuffer.wrap((",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII)));
        seq++;
        lastHash = hash;
    }

    /** Makes every appended line durable. */
    public synchronized void sync() throws IOException {
        file.force();
    }

    public synchronized long lastSeq() {
        return seq;
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
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
}
