package io.devagent.tool;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.devagent.tool.ToolFixtures.args;
import static io.devagent.tool.ToolFixtures.context;
import static io.devagent.tool.ToolFixtures.ok;
import static io.devagent.tool.ToolFixtures.refused;
import static org.assertj.core.api.Assertions.assertThat;

class WriteFileToolTest {

    @TempDir
    Path base;

    Path ws;
    ToolContext ctx;
    final WriteFileTool tool = new WriteFileTool();

    @BeforeEach
    void setUp() throws IOException {
        ws = Files.createDirectories(base.resolve("ws"));
        ctx = context(ws);
    }

    @Test
    void createsAFileAndItsParents() throws Exception {
        ToolResult result = ok(tool, args("path", "a/b/c/new.txt", "content", "hello\n"), ctx);
        assertThat(result.output()).isEqualTo("created a/b/c/new.txt (6 bytes)");
        assertThat(ws.resolve("a/b/c/new.txt")).hasContent("hello\n");
    }

    @Test
    void reportsBytesNotCharacters() throws Exception {
        ToolResult result = ok(tool, args("path", "u.txt", "content", "héllo €"), ctx);
        assertThat(result.output()).isEqualTo("created u.txt (10 bytes)");
        assertThat(Files.size(ws.resolve("u.txt"))).isEqualTo(10);
    }

    @Test
    void anEmptyContentMakesAnEmptyFile() throws Exception {
        assertThat(ok(tool, args("path", "empty", "content", ""), ctx).output()).isEqualTo("created empty (0 bytes)");
        assertThat(ws.resolve("empty")).isEmptyFile();
    }

    @Test
    void replacesAtomicallyWithANewFileAndLeavesNoTemporaries() throws Exception {
        Path file = ws.resolve("f.txt");
        Files.writeString(file, "old content that is longer than the new one");
        Object inodeBefore = Files.getAttribute(file, "unix:ino");
        // A hard link shares the old inode: an in-place write would change it, a rename does not.
        Path otherName = base.resolve("hard-link-outside");
        Files.createLink(otherName, file);

        ToolResult result = ok(tool, args("path", "f.txt", "content", "new"), ctx);

        assertThat(result.output()).isEqualTo("replaced f.txt (3 bytes)");
        assertThat(file).hasContent("new");
        assertThat(Files.getAttribute(file, "unix:ino")).isNotEqualTo(inodeBefore);
        assertThat(otherName).hasContent("old content that is longer than the new one");
        try (Stream<Path> entries = Files.list(ws)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("f.txt");
        }
    }

    @Test
    void aDirectoryCannotBeOverwritten() throws Exception {
        Files.createDirectories(ws.resolve("dir/inner"));
        assertThat(refused("tool_failed", tool, args("path", "dir", "content", "x"), ctx).getMessage()).contains("directory");
        assertThat(ws.resolve("dir/inner")).isDirectory();
    }

    @Test
    void aFileInTheWayOfAParentFails() throws Exception {
        Files.writeString(ws.resolve("plain"), "x");
        refused("tool_failed", tool, args("path", "plain/child.txt", "content", "y"), ctx);
        assertThat(ws.resolve("plain")).hasContent("x");
    }

    @Test
    void badArguments() {
        refused("bad_arguments", tool, args("path", "x.txt"), ctx);
        refused("bad_arguments", tool, args("content", "x"), ctx);
        refused("bad_arguments", tool, ToolFixtures.args("path", "x.txt").put("content", 5), ctx);
        refused("bad_arguments", tool, ToolFixtures.args("content", "x").putNull("path"), ctx);
        var objectContent = ToolFixtures.args("path", "x.txt");
        objectContent.putObject("content").put("text", "x");
        refused("bad_arguments", tool, objectContent, ctx);
        assertThat(ws.resolve("x.txt")).doesNotExist();
    }
}
