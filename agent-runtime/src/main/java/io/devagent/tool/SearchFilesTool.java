package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code search_files(pattern, path?)}: lines matching a regular expression, as {@code file:line: text}. */
public final class SearchFilesTool implements Tool {

    private static final int MAX_MATCHES = 200;
    private static final long MAX_FILE_BYTES = 2 * 1024 * 1024;

    @Override
    public String name() {
        return "search_files";
    }

    @Override
    public String description() {
        return "Search workspace files for lines matching a regular expression (a plain string works too). "
                + "Returns 'file:line: text' for each match.";
    }

    @Override
    public ObjectNode parameters() {
        return Args.schema(new String[][] {
                {"pattern", "Regular expression or plain text to look for"},
                {"path", "Directory or file to search, relative to the workspace root (default: the whole workspace)"}},
                "pattern");
    }

    @Override
    public boolean sideEffecting() {
        return false;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext ctx) throws ToolException, InterruptedException {
        String patternText = Args.required(arguments, "pattern");
        if (patternText.isEmpty()) {
            throw ToolException.badArguments("'pattern' must not be empty");
        }
        String path = Args.optional(arguments, "path", ".");
        Pattern pattern;
        try {
            pattern = Pattern.compile(patternText);
        } catch (PatternSyntaxException e) {
            pattern = Pattern.compile(Pattern.quote(patternText));
        }
        Path start = FileAccess.readable(ctx, path);
        if (!Files.exists(start)) {
            throw ToolException.failed("'" + path + "' does not exist");
        }
        StringBuilder out = new StringBuilder();
        int[] matches = {0};
        Pattern finalPattern = pattern;
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (Thread.currentThread().isInterrupted()) {
                        return FileVisitResult.TERMINATE;
                    }
                    // A repository's history is readable, but its packed objects are noise to a text search.
                    return !dir.equals(start) && (FileAccess.denied(ctx, ctx.workspace().relative(dir))
                            || dir.getFileName().toString().equals(".git"))
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    // Symlinks are not followed (walkFileTree's default), so nothing outside is read.
                    if (!attrs.isRegularFile() || attrs.size() > MAX_FILE_BYTES
                            || FileAccess.denied(ctx, ctx.workspace().relative(file))) {
                        return FileVisitResult.CONTINUE;
                    }
                    searchFile(file, ctx.workspace().relative(file), finalPattern, out, matches);
                    return matches[0] >= MAX_MATCHES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw ToolException.failed("search failed: " + e.getMessage());
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (matches[0] == 0) {
            return ToolResult.ok("no matches for " + patternText + " in " + ctx.workspace().relative(start));
        }
        if (matches[0] >= MAX_MATCHES) {
            out.append("[stopped at ").append(MAX_MATCHES).append(" matches; narrow the pattern or the path]\n");
        }
        return ToolResult.ok(OutputCap.cap(out.toString(), ctx.maxOutputBytes()));
    }

    private static void searchFile(Path file, String rel, Pattern pattern, StringBuilder out, int[] matches) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8192);
            if (ReadFileTool.isBinary(head)) {
                return;
            }
        }
        try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)))) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null && matches[0] < MAX_MATCHES) {
                lineNo++;
                if (pattern.matcher(line).find()) {
                    matches[0]++;
                    String shown = line.length() > 300 ? line.substring(0, 300) + "…" : line;
                    out.append(rel).append(':').append(lineNo).append(": ").append(shown.strip()).append('\n');
                }
            }
        }
    }
}
