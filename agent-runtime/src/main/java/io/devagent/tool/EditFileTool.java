package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.state.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code edit_file(path, old_string, new_string, replace_all?)}: an exact replacement in a text
 * file. {@code old_string} must occur exactly once (or {@code replace_all}); otherwise nothing
 * changes and the answer says how many matches there were. The file is rewritten atomically, and
 * the new content's hash is journaled as the intent first, so that after a crash the edit is found
 * done or done once, never twice. The answer shows a few numbered lines around the change.
 */
public final class EditFileTool implements Tool {

    private static final int CONTEXT_LINES = 3;
    private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    @Override
    public String name() {
        return "edit_file";
    }

    @Override
    public String description() {
        return "Replace old_string with new_string in a text file of the workspace. old_string must match the file exactly "
                + "(spaces and indentation too) and only once, unless replace_all is true; include enough surrounding lines "
                + "to make it unique. Answers with the changed lines.";
    }

    @Override
    public ObjectNode parameters() {
        ObjectNode schema = Json.object().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("path").put("type", "string").put("description", "File path relative to the workspace root");
        props.putObject("old_string").put("type", "string").put("description", "The exact text to replace");
        props.putObject("new_string").put("type", "string").put("description", "The text to put in its place");
        props.putObject("replace_all").put("type", "boolean").put("description", "Replace every occurrence (default false)");
        schema.putArray("required").add("path").add("old_string").add("new_string");
        return schema.put("additionalProperties", false);
    }

    @Override
    public boolean sideEffecting() {
        return true;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext ctx) throws ToolException {
        String path = Args.required(arguments, "path");
        String oldString = Args.required(arguments, "old_string");
        String newString = Args.required(arguments, "new_string");
        boolean replaceAll = Args.optionalBoolean(arguments, "replace_all", false);
        if (oldString.isEmpty()) {
            throw ToolException.badArguments("'old_string' must not be empty; use write_file to create a file");
        }
        if (oldString.equals(newString)) {
            throw ToolException.badArguments("'old_string' and 'new_string' are the same; nothing would change");
        }
        Path file = FileAccess.writable(ctx, path);
        if (!Files.exists(file)) {
            throw ToolException.failed("'" + path + "' does not exist; use write_file to create it");
        }
        if (!Files.isRegularFile(file)) {
            throw ToolException.failed("'" + path + "' is not a regular file");
        }
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw ToolException.failed("'" + path + "' is too large to edit (" + Files.size(file) + " bytes)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                if (ReadFileTool.isBinary(in.readNBytes(8192))) {
                    throw ToolException.failed("'" + path + "' is not a text file; it cannot be edited");
                }
            }
            text = TextFiles.decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw ToolException.failed("cannot read '" + path + "': " + e.getMessage());
        }
        int matches = count(text, oldString);
        if (matches == 0) {
            throw ToolException.failed("old_string was not found in '" + path + "' (0 matches); nothing was changed. "
                    + "Read the file again and copy the text exactly, indentation included");
        }
        if (matches > 1 && !replaceAll) {
            throw ToolException.failed("old_string matches " + matches + " times in '" + path + "'; nothing was changed. "
                    + "Add surrounding lines to make it unique, or set replace_all to true");
        }
        int first = text.indexOf(oldString);
        String updated = replaceAll ? text.replace(oldString, newString) : text.substring(0, first) + newString
                + text.substring(first + oldString.length());
        byte[] bytes = updated.getBytes(StandardCharsets.UTF_8);
        String relative = ctx.workspace().relative(file);
        ctx.effects().begin(new Effect("edit_file", relative, Hashes.sha256(bytes), "edit " + relative));
        try {
            AtomicFiles.write(file, bytes, true);
        } catch (IOException e) {
            throw ToolException.failed("cannot write '" + path + "': " + e.getMessage());
        }
        String summary = "edited " + relative + ": replaced " + (matches == 1 ? "1 occurrence" : matches + " occurrences") + "\n";
        return ToolResult.ok(OutputCap.cap(summary + around(updated, first, newString), ctx.maxOutputBytes()));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            n++;
        }
        return n;
    }

    /** Numbered lines around the (first) change, so the model sees the result without reading the file again. */
    private static String around(String text, int start, String inserted) {
        List<String> lines = text.lines().toList();
        int firstLine = (int) text.substring(0, start).chars().filter(c -> c == '\n').count() + 1;
        int lastLine = firstLine + (int) inserted.chars().filter(c -> c == '\n').count();
        int from = Math.max(1, firstLine - CONTEXT_LINES);
        int to = Math.min(lines.size(), lastLine + CONTEXT_LINES);
        StringBuilder out = new StringBuilder();
        for (int n = from; n <= to; n++) {
            out.append(String.format("%6d\t%s%n", n, lines.get(n - 1)));
        }
        return out.toString().stripTrailing();
    }
}
