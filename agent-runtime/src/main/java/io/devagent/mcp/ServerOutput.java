package io.devagent.mcp;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A stdio server's stderr, kept in a private temporary file (appended to by the server itself, so
 * that nothing is lost when it dies before anyone reads it), and what it said last, as one line a
 * person can read: the last line that is not part of a stack trace (frames, a runtime's version
 * banner, a caret under source, blank lines). A crashing Node server ends with {@code Error: ...},
 * its frames and {@code Node.js v20...}; the error line is what tells. The file is cut back when it
 * grows past {@value #MAX_BYTES} bytes and deleted when the connection ends.
 */
final class ServerOutput implements AutoCloseable {

    private static final Pattern NOISE = Pattern.compile(
            "^\\s*$|^\\s+.*|^\\s*\\^+\\s*$|^Node\\.js v.*|^\\s*(Caused by|Traceback|File \").*");
    private static final int TAIL_BYTES = 16 * 1024;
    private static final long MAX_BYTES = 1 << 20;

    private final Path file;

    private ServerOutput(Path file) {
        this.file = file;
    }

    static ServerOutput create(String endpoint) throws IOException {
        Path file = Files.createTempFile("dev-agent-mcp-" + endpoint.replaceAll("[^A-Za-z0-9_-]", "_") + "-", ".stderr");
        file.toFile().deleteOnExit();
        return new ServerOutput(file);
    }

    /** Where the server's stderr goes: appended, so that cutting the file back is safe while it writes. */
    ProcessBuilder.Redirect redirect() {
        return ProcessBuilder.Redirect.appendTo(file.toFile());
    }

    /** {@code "; its last output: LINE"}, or empty when it said nothing worth showing. */
    String lastLine() {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            return lastLine(new String(bytes, StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            return "";
        }
    }

    static String lastLine(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (!NOISE.matcher(line).matches()) {
                String text = line.strip();
                return "; its last output: " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
            }
        }
        return "";
    }

    /** A long-lived, chatty server's file is cut back now and then (at each health check). */
    void trim() {
        try {
            if (Files.size(file) > MAX_BYTES) {
                try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
                    out.setLength(0);
                }
            }
        } catch (IOException ignored) {
            // the next check tries again
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file: deleted on exit
        }
    }
}
