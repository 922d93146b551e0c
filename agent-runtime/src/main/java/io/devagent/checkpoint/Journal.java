package io.devagent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.state.AtomicFiles;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    private final FileChannel channel;
    private long bytes;

    private Journal(FileChannel channel, long bytes) {
        this.channel = channel;
        this.bytes = bytes;
    }

    static Journal create(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        AtomicFiles.fsyncDirectory(file.getParent());
        return new Journal(channel, 0);
    }

    /** Reads every complete entry and reopens the journal for appending after them. */
    static Journal reopen(Path file, List<JsonNode> entriesOut) throws IOException {
        byte[] content = Files.readAllBytes(file);
        int good = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                entriesOut.add(parseEntry(file, content, good, i - good, entriesOut.size() + 1));
                good = i + 1;
            }
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
        if (channel.size() > good) {
            // A line without its newline was torn by a crash before its commit: it never happened.
            channel.truncate(good);
            channel.force(false);
        }
        channel.position(good);
        return new Journal(channel, good);
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
    public synchronized void append(JsonNode entry) throws IOException {
        byte[] json = Json.bytes(entry);
        ByteBuffer[] line = {ByteBuffer.wrap(json), ByteBuffer.wrap(NEWLINE)};
        while (line[1].hasRemaining()) {
            channel.write(line); // one system call for the entry and its newline
        }
        bytes += json.length + 1;
    }

    private static final byte[] NEWLINE = {'\n'};

    /** Writes the first half of an entry's line and stops: what a crash mid-write leaves (crash tests only). */
    synchronized void appendPartial(JsonNode entry) throws IOException {
        byte[] line = (Json.write(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line, 0, line.length / 2);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    public synchronized void commit() throws IOException {
        channel.force(false);
    }

    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /** All complete entries of a journal, for read-only use (listing, replay). */
    static List<JsonNode> readAll(Path file) throws IOException {
        List<JsonNode> entries = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = reader.readLine()) != null) {
                n++;
                try {
                    entries.add(Json.parse(line));
                } catch (IOException e) {
                    break; // a torn last line
                }
            }
        }
        return entries;
    }
}
