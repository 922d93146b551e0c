package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.state.AppendOnlyLines;
import io.devagent.state.LineFiles;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's append-only journal ({@code checkpoints/<run_id>/journal.jsonl}): the source of truth from
 * which a run is rebuilt. A step's cost is one appended line and one fsync, whatever the run's
 * length. A line torn by a crash is cut off when the journal is reopened.
 */
public final class Journal implements Closeable {

    private final AppendOnlyLines lines;

    private Journal(AppendOnlyLines lines) {
        this.lines = lines;
    }

    static Journal create(Path file) throws IOException {
        return new Journal(AppendOnlyLines.create(file));
    }

    /** Reads every complete entry and reopens the journal for appending after them. */
    static Journal reopen(Path file, List<JsonNode> entriesOut) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        // A line without its newline was torn by a crash before its commit: it never happened, and opening cuts it off.
        AppendOnlyLines lines = AppendOnlyLines.open(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            LineFiles.forEachLine(channel, 0, lines.size(), (bytes, from, to) -> {
                entriesOut.add(parseEntry(file, bytes, from, to - from, entriesOut.size() + 1));
                return true;
            });
            return new Journal(lines);
        } catch (IOException | RuntimeException e) {
            lines.close();
            throw e;
        }
    }

    /** Parsed from the bytes as read: a long journal is read at every resume, and a String per line would double the work. */
    private static JsonNode parseEntry(Path file, byte[] content, int offset, int length, int lineNo) throws IOException {
        try {
            return Json.MAPPER.readTree(content, offset, length);
        } catch (IOException e) {
            throw new IOException(file + " line " + lineNo + " is not valid JSON; the journal is damaged", e);
        }
    }

    /** Appends an entry; it is durable once {@link #commit()} returns. */
    public void append(JsonNode entry) throws IOException {
        lines.append(ByteBuffer.wrap(Json.bytes(entry)), ByteBuffer.wrap(NEWLINE)); // one system call for the entry and its newline
    }

    private static final byte[] NEWLINE = {'\n'};

    /** Writes the first half of an entry's line and stops: what a crash mid-write leaves (crash tests only). */
    void appendPartial(JsonNode entry) throws IOException {
        byte[] line = (Json.write(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        lines.append(ByteBuffer.wrap(line, 0, line.length / 2));
    }

    public void commit() throws IOException {
        lines.force();
    }

    public long bytes() {
        return lines.size();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }

    /** All complete entries of a journal, for read-only use (listing, replay); reading stops at a damaged line. */
    static List<JsonNode> readAll(Path file) throws IOException {
        List<JsonNode> entries = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            LineFiles.forEachLine(channel, 0, LineFiles.completeEnd(channel), (bytes, from, to) -> {
                try {
                    entries.add(Json.MAPPER.readTree(bytes, from, to - from));
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        }
        return entries;
    }
}
