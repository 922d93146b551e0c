package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code read_file(path, offset?, limit?)}: lines of a text file with their numbers ({@code cat -n}
 * style), from the 1-based {@code offset}, at most {@code limit} of them (a few hundred by default)
 * and at most the output's byte budget, with a note of how many lines remain and how to read them.
 */
public final class ReadFileTool implements Tool {

    static final int DEFAULT_LIMIT = 250;
    /** Files larger than this are not read as text at all. */
    private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    private static final int MAX_LINE = 2000;

    @Override
    public String name() {
        return "read_file";
    }

    @Override
    public String description() {
        return "Read lines of a text file in the workspace, numbered. Reads " + DEFAULT_LIMIT + " lines from the start unless "
                + "offset (1-based first line) and limit (number of lines) say otherwise; the answer says how many lines remain.";
    }

    @Override
    public ObjectNode parameters() {
        ObjectNode schema = Json.object().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("path").put("type", "string").put("description", "File path relative to the workspace root");
        props.putObject("offset").put("type", "integer").put("description", "1-based number of the first line to read (default 1)");
        props.putObject("limit").put("type", "integer").put("description", "How many lines to read (default " + DEFAULT_LIMIT + ")");
        schema.putArray("required").add("path");
        return schema.put("additionalProperties", false);
    }

    @Override
    public boolean sideEffecting() {
        return false;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext ctx) throws ToolException {
        String path = Args.required(arguments, "path");
        int offset = Args.optionalInt(arguments, "offset", 1);
        int limit = Args.optionalInt(arguments, "limit", DEFAULT_LIMIT);
        if (offset < 1) {
            throw ToolException.badArguments("'offset' is the 1-based number of the first line; it must be 1 or more");
        }
        if (limit < 1) {
            throw ToolException.badArguments("'limit' must be 1 or more");
        }
        Path file = FileAccess.readable(ctx, path);
        if (!Files.exists(file)) {
            throw ToolException.failed("'" + path + "' does not exist");
        }
        if (Files.isDirectory(file)) {
            throw ToolException.failed("'" + path + "' is a directory; use list_files");
        }
        if (!Files.isRegularFile(file)) {
            // A FIFO or a device would block or never end.
            throw ToolException.failed("'" + path + "' is not a regular file");
        }
        try {
            long size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                if (isBinary(in.readNBytes(8192))) {
                    throw ToolException.failed("'" + path + "' is not a text file (" + size + " bytes, binary); it cannot be shown");
                }
            }
            if (size > MAX_FILE_BYTES) {
                throw ToolException.failed("'" + path + "' is too large to read (" + size + " bytes); use search_files to find the lines you need");
            }
            List<String> lines = TextFiles.lines(Files.readAllBytes(file));
            return ToolResult.ok(window(path, lines, offset, limit, ctx.maxOutputBytes()));
        } catch (IOException e) {
            throw ToolException.failed("cannot read '" + path + "': " + e.getMessage());
        }
    }

    static String window(String path, List<String> lines, int offset, int limit, int maxBytes) throws ToolException {
        int total = lines.size();
        if (total == 0) {
            return "'" + path + "' is empty";
        }
        if (offset > total) {
            throw ToolException.failed("offset " + offset + " is past the end of '" + path + "', which has " + total + " lines");
        }
        StringBuilder out = new StringBuilder();
        int budget = Math.max(256, maxBytes - 200); // room for the closing note
        int last = offset - 1;
        int end = (int) Math.min(total, (long) offset + limit - 1);
        int width = String.valueOf(end).length();
        for (int n = offset; n <= end; n++) {
            String text = lines.get(n - 1);
            if (text.length() > MAX_LINE) {
                text = text.substring(0, MAX_LINE) + "… [line cut at " + MAX_LINE + " characters]";
            }
            String line = String.format("%" + Math.max(6, width) + "d\t%s%n", n, text);
            if (utf8(out) + utf8(line) > budget) {
                if (out.length() == 0) {
                    // One line longer than the whole budget: its start, said to be cut.
                    out.append(OutputCap.decodePrefix(line.getBytes(StandardCharsets.UTF_8), budget - 40)).append("… [line cut]\n");
                    last = n;
                }
                break;
            }
            out.append(line);
            last = n;
        }
        int remaining = total - last;
        if (remaining > 0) {
            out.append("[").append(remaining).append(remaining == 1 ? " more line" : " more lines").append(" of ").append(total)
                    .append("; read on with offset=").append(last + 1).append("]");
        } else {
            out.append("[end of file: ").append(total).append(total == 1 ? " line]" : " lines]");
        }
        return out.toString();
    }

    private static int utf8(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    static boolean isBinary(byte[] head) {
        int n = Math.min(head.length, 8192);
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
