package io.devagent.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.state.LineFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a run's audit log ({@link AuditLog}'s format) in pieces, for the dashboard: the last N
 * events, N events from a given {@code seq}, and the complete lines appended after a byte offset
 * (to follow a log as it grows). None of them reads the whole log: the tail is read backwards from
 * the end, and a {@code seq} is found by a binary search over byte offsets (lines are in
 * {@code seq} order, one event a line), so serving a page of a 1 GB log costs a few small reads.
 *
 * <p>Only complete lines (ending in a newline) are returned: a line the writer is still appending
 * is left for the next read. Each line is checked to be one JSON object (a streaming pass, no tree
 * built), so a caller can put {@link Event#line()} into a JSON answer as it is; a line that is not
 * (a damaged log) comes back as an {@code {"type": "unreadable"}} event rather than failing the
 * read. {@code agent audit verify} is what judges the chain.
 */
public final class AuditReader {

    private static final int CHUNK = 64 * 1024;
    /** Below this window the binary search gives way to a forward scan. */
    private static final long SCAN_WINDOW = 16 * 1024;

    private AuditReader() {
    }

    /** One event: its {@code seq} (0 when unreadable) and its line, which is always one JSON object. */
    public static final class Event {
        private final long seq;
        private final String line;
        private JsonNode json;

        private Event(long seq, String line, JsonNode json) {
            this.seq = seq;
            this.line = line;
            this.json = json;
        }

        public long seq() {
            return seq;
        }

        /** The line as the log holds it (without its newline), or the unreadable stand-in. */
        public String line() {
            return line;
        }

        /** The event parsed (on first use). */
        public synchronized JsonNode json() {
            if (json == null) {
                try {
                    json = Json.parse(line);
                } catch (IOException e) {
                    throw new IllegalStateException("a checked line did not parse", e);
                }
            }
            return json;
        }
    }

    /**
     * A page of events. {@code before}: earlier events exist; {@code after}: later (complete) events
     * exist. {@code lastSeq} is the log's last complete event, {@code endOffset} the byte offset after it.
     */
    public record Page(List<Event> events, boolean before, boolean after, long lastSeq, long endOffset) {
    }

    /** Complete lines read from {@code offset}; {@code nextOffset} is where the next read starts. */
    public record Chunk(List<Event> events, long nextOffset, boolean more) {
    }

    /** The last {@code limit} events. A missing file reads as an empty log. */
    public static Page tail(Path file, int limit) throws IOException {
        try (FileChannel channel = open(file)) {
            if (channel == null) {
                return new Page(List.of(), false, false, 0, 0);
            }
            long end = LineFiles.completeEnd(channel);
            if (end == 0 || limit <= 0) {
                return new Page(List.of(), end > 0, false, lastSeq(channel, end), end);
            }
            long start = LineFiles.startOfLastLines(channel, end, limit);
            List<Event> events = new ArrayList<>(limit);
            parseLines(LineFiles.read(channel, start, end), Integer.MAX_VALUE, events);
            long last = events.isEmpty() ? 0 : events.get(events.size() - 1).seq();
            return new Page(events, start > 0, false, last, end);
        }
    }

    /** Up to {@code limit} events from the first one whose {@code seq} is at least {@code fromSeq}. */
    public static Page from(Path file, long fromSeq, int limit) throws IOException {
        try (FileChannel channel = open(file)) {
            if (channel == null) {
                return new Page(List.of(), false, false, 0, 0);
            }
            long end = LineFiles.completeEnd(channel);
            long offset = offsetOf(channel, end, fromSeq);
            List<Event> events = new ArrayList<>(Math.min(limit, 1024));
            long pos = offset;
            while (pos < end && events.size() < limit) {
                byte[] bytes = LineFiles.read(channel, pos, Math.min(end, pos + CHUNK));
                int used = parseLines(bytes, limit - events.size(), events);
                if (used == 0) {
                    // One line longer than a chunk.
                    byte[] line = LineFiles.readLine(channel, pos, end);
                    events.add(parse(line, 0, line.length));
                    used = line.length + 1;
                }
                pos += used;
            }
            return new Page(events, offset > 0, pos < end, lastSeq(channel, end), end);
        }
    }

    /** The byte offset of the first complete line whose {@code seq} is at least {@code seq} (the end when none is). */
    public static long offsetOf(Path file, long seq) throws IOException {
        try (FileChannel channel = open(file)) {
            return channel == null ? 0 : offsetOf(channel, LineFiles.completeEnd(channel), seq);
        }
    }

    /** The offset just after the last complete line: where a follower that wants only new events starts. */
    public static long end(Path file) throws IOException {
        try (FileChannel channel = open(file)) {
            return channel == null ? 0 : LineFiles.completeEnd(channel);
        }
    }

    /**
     * The complete lines from {@code offset} on, at most about {@code maxBytes} of them (always at
     * least one line when there is one). A file that is missing, or shorter than {@code offset}
     * (rotated away), gives no events and {@code nextOffset} −1.
     */
    public static Chunk readFrom(Path file, long offset, int maxBytes) throws IOException {
        try (FileChannel channel = open(file)) {
            if (channel == null) {
                return new Chunk(List.of(), offset == 0 ? 0 : -1, false);
            }
            long size = channel.size();
            if (size < offset) {
                return new Chunk(List.of(), -1, false);
            }
            if (size == offset) {
                return new Chunk(List.of(), offset, false);
            }
            long want = Math.min(size - offset, Math.max(maxBytes, 1));
            byte[] bytes = LineFiles.read(channel, offset, offset + want);
            List<Event> events = new ArrayList<>();
            int used = parseLines(bytes, Integer.MAX_VALUE, events);
            if (used == 0) {
                // One line longer than maxBytes (or one still being written): take it whole if it is complete.
                long end = LineFiles.completeEnd(channel);
                if (end <= offset) {
                    return new Chunk(List.of(), offset, false);
                }
                byte[] line = LineFiles.readLine(channel, offset, end);
                long next = offset + line.length + 1;
                return new Chunk(List.of(parse(line, 0, line.length)), next, next < end);
            }
            long next = offset + used;
            return new Chunk(events, next, next < size);
        }
    }

    /** Receives one complete line: {@code bytes[from, to)}, without its newline. */
    @FunctionalInterface
    public interface LineSink {
        void line(byte[] bytes, int from, int to);
    }

    /**
     * Feeds the complete lines from {@code offset} on, about {@code maxBytes} of them (at least one when
     * there is one), to {@code sink} as bytes, neither checked nor decoded: for a reader that folds a
     * whole log and parses only the few fields it needs. Returns the offset after the last line fed, or
     * −1 when the file is gone or shorter than {@code offset} (rotated away).
     */
    public static long scan(Path file, long offset, int maxBytes, LineSink sink) throws IOException {
        try (FileChannel channel = open(file)) {
            if (channel == null) {
                return offset == 0 ? 0 : -1;
            }
            long size = channel.size();
            if (size < offset) {
                return -1;
            }
            if (size == offset) {
                return offset;
            }
            byte[] bytes = LineFiles.read(channel, offset, offset + Math.min(size - offset, Math.max(maxBytes, 1)));
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    sink.line(bytes, start, i);
                    start = i + 1;
                }
            }
            if (start == 0) {
                // One line longer than maxBytes (or one still being written): take it whole if it is complete.
                long end = LineFiles.completeEnd(channel);
                if (end <= offset) {
                    return offset;
                }
                byte[] line = LineFiles.readLine(channel, offset, end);
                sink.line(line, 0, line.length);
                return offset + line.length + 1;
            }
            return offset + start;
        }
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Binary search over byte offsets: lines are in seq order, so the line after any offset tells which half to keep. */
    private static long offsetOf(FileChannel channel, long end, long seq) throws IOException {
        long lo = 0; // every line starting before lo has a smaller seq; lo is a line start
        long hi = end; // the line starting at or after hi is not before the answer
        while (hi - lo > SCAN_WINDOW) {
            long mid = lo + (hi - lo) / 2;
            long start = LineFiles.nextLineStart(channel, mid, end);
            if (start >= hi) {
                break;
            }
            byte[] line = LineFiles.readLine(channel, start, end);
            if (seqOf(line, 0, line.length) < seq) {
                lo = start + line.length + 1;
            } else {
                hi = start;
            }
        }
        // A forward scan of the last window.
        long[] at = {lo, end};
        LineFiles.forEachLine(channel, lo, end, (bytes, from, to) -> {
            if (seqOf(bytes, from, to) >= seq) {
                at[1] = at[0];
                return false;
            }
            at[0] += to - from + 1;
            return true;
        });
        return at[1];
    }

    private static long lastSeq(FileChannel channel, long end) throws IOException {
        String last = LineFiles.lastLine(channel, end);
        if (last == null) {
            return 0;
        }
        byte[] bytes = last.getBytes(StandardCharsets.UTF_8);
        return seqOf(bytes, 0, bytes.length);
    }

    /** Parses at most {@code max} complete lines of {@code bytes} into {@code out}; returns the bytes they took (newlines included). */
    private static int parseLines(byte[] bytes, int max, List<Event> out) {
        int start = 0;
        int taken = 0;
        for (int i = 0; i < bytes.length && taken < max; i++) {
            if (bytes[i] == '\n') {
                out.add(parse(bytes, start, i));
                taken++;
                start = i + 1;
            }
        }
        return start;
    }

    /** The top-level {@code seq} of a line, read from its first fields only (0 when there is none). */
    private static long seqOf(byte[] bytes, int from, int to) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes, from, to - from)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return 0;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                boolean isSeq = "seq".equals(parser.currentName());
                token = parser.nextToken();
                if (isSeq) {
                    return token == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
                }
                parser.skipChildren();
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Checks that a line is exactly one JSON object (a streaming pass) and takes its top-level seq on the way. */
    private static Event parse(byte[] bytes, int from, int to) {
        String text = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes, from, to - from)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                long seq = 0;
                JsonToken token;
                while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    boolean isSeq = "seq".equals(parser.currentName());
                    token = parser.nextToken();
                    if (isSeq && token == JsonToken.VALUE_NUMBER_INT) {
                        seq = parser.getLongValue();
                    }
                    parser.skipChildren();
                }
                if (token == JsonToken.END_OBJECT && parser.nextToken() == null) {
                    return new Event(seq, text, null);
                }
            }
        } catch (IOException ignored) {
            // reported as unreadable below
        }
        ObjectNode unreadable = Json.object().putNull("seq").put("type", "unreadable");
        unreadable.putObject("data").put("line", text.length() > 2000 ? text.substring(0, 2000) + "…" : text);
        return new Event(0, Json.write(unreadable), unreadable);
    }
}
