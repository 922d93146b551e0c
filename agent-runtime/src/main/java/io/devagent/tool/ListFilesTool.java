package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code list_files(path)}: the entries of a workspace directory, directories marked with a slash. */
public final class ListFilesTool implements Tool {

    private static final int MAX_ENTRIES = 1000;

    @Override
    public String name() {
        return "list_files";
    }

    @Override
    public String description() {
        return "List the files and directories in a workspace directory (directories end with '/'). Use '.' for the workspace root.";
    }

    @Override
    public ObjectNode parameters() {
        return Args.schema(new String[][] {{"path", "Directory relative to the workspace root, e.g. '.' or 'src'"}}, "path");
    }

    @Override
    public boolean sideEffecting() {
        return false;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext ctx) throws ToolException {
        String path = Args.optional(arguments, "path", ".");
        Path dir = FileAccess.readable(ctx, path);
        if (!Files.exists(dir)) {
            throw ToolException.failed("'" + path + "' does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw ToolException.failed("'" + path + "' is a file, not a directory; use read_file");
        }
        List<String> lines = new ArrayList<>();
        int hidden = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String rel = ctx.workspace().relative(dir.resolve(entry.getFileName()));
                if (FileAccess.denied(ctx, rel)) {
                    hidden++;
                    continue;
                }
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    lines.add(entry.getFileName() + "/");
                } else if (Files.isSymbolicLink(entry)) {
                    lines.add(entry.getFileName() + "@");
                } else {
                    lines.add(entry.getFileName() + "  (" + Files.size(entry) + " bytes)");
                }
            }
        } catch (IOException e) {
            throw ToolException.failed("cannot list '" + path + "': " + e.getMessage());
        }
        lines.sort(String::compareTo);
        StringBuilder out = new StringBuilder();
        out.append(ctx.workspace().relative(dir)).append(": ").append(lines.size()).append(" entries\n");
        lines.stream().limit(MAX_ENTRIES).forEach(l -> out.append(l).append('\n'));
        if (lines.size() > MAX_ENTRIES) {
            out.append("[").append(lines.size() - MAX_ENTRIES).append(" more entries not shown]\n");
        }
        if (hidden > 0) {
            out.append("[").append(hidden).append(" entries hidden by the policy]\n");
        }
        return ToolResult.ok(OutputCap.cap(out.toString(), ctx.maxOutputBytes()));
    }
}
