package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.model.Tokens;
import io.devagent.json.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Brings a snapshot up to date with the journal it was derived from: reads only the journal past
 * the snapshot's {@code journal_bytes} and applies the steps and status changes found there. A
 * line without its newline is a write in progress (or torn by a crash) and is left out, as the
 * journal's own reader leaves it out.
 */
final class SnapshotCatchUp {

    /** More than this behind is not caught up line by line: the snapshot writer is at most a fraction of a second behind. */
    private static final long MAX_TAIL = 64L << 20;

    private SnapshotCatchUp() {
    }

    static Snapshot apply(Snapshot snapshot, Path journal) throws IOException {
        if (Files.size(journal) <= snapshot.journalBytes()) {
            return snapshot; // the usual case, a stat: listing many runs opens no journal
        }
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ)) {
            long from = snapshot.journalBytes();
            long size = channel.size();
            if (size <= from || size - from > MAX_TAIL) {
                return snapshot;
            }
            ByteBuffer tail = ByteBuffer.allocate((int) (size - from));
            while (tail.hasRemaining() && channel.read(tail, from + tail.position()) >= 0) {
                // read to the end of what is there now
            }
            return applyLines(snapshot, tail.array(), tail.position(), from);
        }
    }

    private static Snapshot applyLines(Snapshot s, byte[] bytes, int length, long offset) {
        int start = 0;
        Snapshot current = s;
        for (int i = 0; i < length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            JsonNode entry;
            try {
                entry = Json.MAPPER.readTree(bytes, start, i - start);
            } catch (IOException e) {
                break; // a damaged line: the journal's own reader reports it
            }
            current = applyEntry(current, entry, offset + i + 1);
            start = i + 1;
        }
        return current;
    }

    private static Snapshot applyEntry(Snapshot s, JsonNode entry, long endOffset) {
        String ts = entry.path("ts").asText(s.updatedAt());
        return switch (entry.path("type").asText()) {
            case "step" -> {
                JsonNode u = entry.path("usage");
                Tokens tokens = s.tokens().plus(new Tokens(u.path("prompt").asLong(), u.path("completion").asLong(), u.path("total").asLong()));
                String plan = entry.hasNonNull("plan") ? entry.get("plan").asText() : s.plan();
                yield new Snapshot(s.runId(), s.goal(), s.status(), entry.path("step").asInt(s.currentStep()), ts, s.createdAt(), s.model(),
                        s.workspace(), tokens, plan, s.answer(), s.message(), lastTool(entry, s.lastTool()), endOffset, s.pid(),
                        s.approval(), s.continuedFrom(), s.pausedBy(), s.archive());
            }
            case "status" -> {
                String status = entry.path("status").asText(s.status());
                yield new Snapshot(s.runId(), s.goal(), status, s.currentStep(), ts, s.createdAt(), s.model(), s.workspace(), s.tokens(),
                        s.plan(), entry.path("answer").asText(null), entry.path("message").asText(null), s.lastTool(), endOffset,
                        Snapshot.RUNNING.equals(status) ? s.pid() : null,
                        Snapshot.AWAITING_APPROVAL.equals(status) ? s.approval() : null, s.continuedFrom(),
                        Snapshot.PAUSED.equals(status) ? entry.path("by").asText(null) : null, s.archive());
            }
            default -> new Snapshot(s.runId(), s.goal(), s.status(), s.currentStep(), s.updatedAt(), s.createdAt(), s.model(),
                    s.workspace(), s.tokens(), s.plan(), s.answer(), s.message(), s.lastTool(), endOffset, s.pid(), s.approval(),
                    s.continuedFrom(), s.pausedBy(), s.archive());
        };
    }

    /** The last tool the step's assistant message called, else what the snapshot had. */
    private static String lastTool(JsonNode step, String known) {
        String last = known;
        for (JsonNode message : step.path("messages")) {
            for (JsonNode call : message.path("tool_calls")) {
                String name = call.path("function").path("name").asText("");
                if (!name.isEmpty()) {
                    last = name;
                }
            }
        }
        return last;
    }
}
