package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.state.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code write_file(path, content)}: creates or replaces a workspace file, atomically. */
public final class WriteFileTool implements Tool {

    @Override
    public String name() {
        return "write_file";
    }

    @Override
    public String description() {
        return "Create or overwrite a file in the workspace with the given content. Parent directories are created.";
    }

    @Override
    public ObjectNode parameters() {
        return Args.schema(new String[][] {
                {"path", "File path relative to the workspace root"},
                {"content", "The complete new content of the file"}},
                "path", "content");
    }

    @Override
    public boolean sideEffecting() {
        return true;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext ctx) throws ToolException {
        String path = Args.required(arguments, "path");
        String content = Args.required(arguments, "content");
        Path file = FileAccess.writable(ctx, path);
        if (Files.isDirectory(file)) {
            throw ToolException.failed("'" + path + "' is a directory");
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        ctx.effects().begin(Effect.write(ctx.workspace().relative(file), Hashes.sha256(bytes)));
        try {
            boolean existed = Files.exists(file);
            AtomicFiles.write(file, bytes, true);
            return ToolResult.ok((existed ? "replaced " : "created ") + ctx.workspace().relative(file) + " (" + bytes.length + " bytes)");
        } catch (IOException e) {
            throw ToolException.failed("cannot write '" + path + "': " + e.getMessage());
        }
    }
}
