package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code read_file(path)}: a text file of the workspace, capped at the policy's output limit. */
public final class ReadFileTool implements Tool {

    @Override
    public String name() {
        return "read_file";
    }

    @Override
    public String description() {
        return "Read a text file from the workspace. Long files are truncated.";
    }

    @Override
    public ObjectNode parameters() {
        return Args.schema(new String[][] {{"path", "File path relative to the workspace root"}}, "path");
    }

    @Override
    public boolean sideEffecting() {
        return false;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext ctx) throws ToolException {
        String path = Args.required(arguments, "path");
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
        int max = ctx.maxOutputBytes();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(max + 1);
            if (isBinary(head)) {
                return ToolResult.ok("'" + path + "' is a binary file (" + Files.size(file) + " bytes); not shown");
            }
            long size = Files.size(file);
            String text = OutputCap.decodePrefix(head, max);
            if (size > max) {
                text += "\n[file truncated: showing " + max + " of " + size + " bytes]";
            }
            return ToolResult.ok(text);
        } catch (IOException e) {
            throw ToolException.failed("cannot read '" + path + "': " + e.getMessage());
        }
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
