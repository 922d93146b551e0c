package io.devagent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import io.devagent.state.LineFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
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
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long end = LineFiles.completeEnd(channel);
            Chain chain = new Chain(runId);
            LineFiles.forEachLine(channel, 0, end, (bytes, from, to) -> chain.check(new String(bytes, from, to - from, StandardCharsets.UTF_8)));
            if (chain.broken != null) {
                return chain.broken;
            }
            String warning = end < size
                    ? "line " + (chain.lines + 1) + " is incomplete (the writer stopped mid-line); it is not part of the chain" : null;
            return new Result(true, chain.lines, 0, null, warning);
        }
    }

    /** The chain as far as it was read: each line is checked against the one before it. */
    private static final class Chain {
        private final String runId;
        private String previousHash;
        private long lines;
        private Result broken;

        Chain(String runId) {
            this.runId = runId;
        }

        /** Checks the next line; false (and {@code broken} set) at the first that breaks the chain. */
        boolean check(String line) {
            long lineNo = ++lines;
            Matcher m = HASH_SUFFIX.matcher(line);
            if (!m.find()) {
                return fail(lineNo, "no hash at the end of the line");
            }
            String hash = m.group(1);
            String body = line.substring(0, m.start()) + "}";
            if (!AuditLog.sha256(body).equals(hash)) {
                return fail(lineNo, "hash mismatch: the line was changed after it was written");
            }
            JsonNode event;
            try {
                event = Json.parse(line);
            } catch (IOException e) {
                return fail(lineNo, "not valid JSON");
            }
            if (event.path("seq").asLong(-1) != lineNo) {
                return fail(lineNo, "seq is " + event.path("seq") + ", expected " + lineNo + " (a line was removed or reordered)");
            }
            String prev = event.path("prev").isNull() ? null : event.path("prev").asText(null);
            if (!Objects.equals(prev, previousHash)) {
                return fail(lineNo, "prev does not match the previous line's hash (a line was removed, inserted or reordered)");
            }
            if (runId != null && !runId.equals(event.path("run_id").asText())) {
                return fail(lineNo, "run_id is '" + event.path("run_id").asText() + "', not '" + runId + "'");
            }
            previousHash = hash;
            return true;
        }

        private boolean fail(long lineNo, String reason) {
            broken = bad(lineNo - 1, lineNo, reason);
            return false;
        }
    }

    private static Result bad(long goodEvents, long line, String reason) {
        return new Result(false, goodEvents, line, reason, null);
    }
}
