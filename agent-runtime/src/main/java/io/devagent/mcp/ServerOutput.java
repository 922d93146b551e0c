package io.devagent.mcp;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a stdio server said last on stderr, as one line a person can read: the last line that is not
 * part of a stack trace (frames, a runtime's version banner, a caret under source, blank lines).
 * A crashing Node server ends with {@code Error: ...}, its frames and {@code Node.js v20...}; the
 * error line is what tells.
 */
final class ServerOutput {

    private static final Pattern NOISE = Pattern.compile(
            "^\\s*$|^\\s+at .*|^\\s*\\^+\\s*$|^Node\\.js v.*|^\\s*\\.\\.\\. \\d+ more.*|^\\s*(Caused by|Traceback|File \").*|^\\s+.*");

    private ServerOutput() {
    }

    /** {@code "; its last output: LINE"}, or empty when it said nothing worth showing. */
    static String lastLine(Deque<String> stderr) {
        List<String> lines;
        synchronized (stderr) {
            lines = new ArrayList<>(stderr);
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (!NOISE.matcher(line).matches()) {
                return "; its last output: " + line.strip();
            }
        }
        return "";
    }
}
