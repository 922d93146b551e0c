package io.devagent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a run's audit chain line by line and names the first line that breaks it. */
public final class AuditVerifier {

    private static final Pattern HASH_SUFFIX = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}$");

    private AuditVerifier() {
    }

    /** The outcome: {@code badLine} is 1-based, 0 when the chain holds. */
    public record Result(boolean ok, long events, long badLine, String reason, String warning) {
    }

    public static Result verify(Path file, String runId) throws IOException {
        boolean endsWithNewline;
        try (var channel = java.nio.channels.FileChannel.open(file)) {
            long size = channel.size();
            if (size == 0) {
                return new Result(true, 0, 0, null, null);
            }
            var last = java.nio.ByteBuffer.allocate(1);
            channel.read(last, size - 1);
            endsWithNewline = last.get(0) == '\n';
        }
        String warning = null;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String previousHash = null;
            long lineNo = 0;
            String line;
            String next = reader.readLine();
            while ((line = next) != null) {
                next = reader.readLine();
                lineNo++;
                if (next == null && !endsWithNewline) {
                    warning = "line " + lineNo + " is incomplete (the writer stopped mid-line); it is not part of the chain";
                    break;
                }
                Matcher m = HASH_SUFFIX.matcher(line);
                if (!m.find()) {
                    return bad(lineNo - 1, lineNo, "no hash at the end of the line");
                }
                String hash = m.group(1);
                String body = line.substring(0, m.start()) + "}";
                if (!AuditLog.sha256(body).equals(hash)) {
                    return bad(lineNo - 1, lineNo, "hash mismatch: the line was changed after it was written");
                }
                JsonNode event;
                try {
                    event = Json.parse(line);
                } catch (IOException e) {
                    return bad(lineNo - 1, lineNo, "not valid JSON");
                }
                if (event.path("seq").asLong(-1) != lineNo) {
                    return bad(lineNo - 1, lineNo, "seq is " + event.path("seq") + ", expected " + lineNo + " (a line was removed or reordered)");
                }
                String prev = event.path("prev").isNull() ? null : event.path("prev").asText(null);
                if (!java.util.Objects.equals(prev, previousHash)) {
                    return bad(lineNo - 1, lineNo, "prev does not match the previous line's hash (a line was removed, inserted or reordered)");
                }
                if (runId != null && !runId.equals(event.path("run_id").asText())) {
                    return bad(lineNo - 1, lineNo, "run_id is '" + event.path("run_id").asText() + "', not '" + runId + "'");
                }
                previousHash = hash;
            }
            long events = warning == null ? lineNo : lineNo - 1;
            return new Result(true, events, 0, null, warning);
        }
    }

    private static Result bad(long goodEvents, long line, String reason) {
        return new Result(false, goodEvents, line, reason, null);
    }
}
