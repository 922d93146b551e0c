package io.devagent.tool;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.devagent.tool.ToolFixtures.args;
import static io.devagent.tool.ToolFixtures.context;
import static io.devagent.tool.ToolFixtures.ok;
import static io.devagent.tool.ToolFixtures.policy;
import static io.devagent.tool.ToolFixtures.refused;
import static org.assertj.core.api.Assertions.assertThat;

class ListFilesToolTest {

    @TempDir
    Path ws;

    ToolContext ctx;
    final ListFilesTool tool = new ListFilesTool();

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(ws.resolve("src/main"));
        Files.writeString(ws.resolve("src/App.java"), "class App {}\n");
        Files.writeString(ws.resolve("README.md"), "# hi\n");
        Files.writeString(ws.resolve("b.txt"), "");
        Files.createSymbolicLink(ws.resolve("link"), Path.of("README.md"));
        ctx = context(ws);
    }

    @Test
    void listsSortedEntriesWithSizesAndMarks() throws Exception {
        assertThat(ok(tool, args("path", "."), ctx).output()).isEqualTo("""
                .: 4 entries
                README.md  (5 bytes)
                b.txt  (0 bytes)
                link@
                src/
                """);
        assertThat(ok(tool, args("path", "src"), ctx).output()).isEqualTo("""
                src: 2 entries
                App.java  (13 bytes)
                main/
                """);
        assertThat(ok(tool, args("path", "src/main/"), ctx).output()).isEqualTo("src/main: 0 entries\n");
    }

    @Test
    void withoutAPathItListsTheRoot() throws Exception {
        assertThat(ok(tool, args(), ctx).output()).startsWith(".: 4 entries\n");
    }

    @Test
    void missingPathsAndFilesFail() {
        assertThat(refused("tool_failed", tool, args("path", "nope"), ctx).getMessage()).contains("does not exist");
        assertThat(refused("tool_failed", tool, args("path", "README.md"), ctx).getMessage()).contains("read_file");
    }

    @Test
    void aPathThatIsNotAStringIsABadArgument() {
        refused("bad_arguments", tool, ToolFixtures.args().put("path", 1), ctx);
    }

    @Test
    void manyEntriesAreCutAtAThousand() throws Exception {
        Path many = Files.createDirectories(ws.resolve("many"));
        for (int i = 0; i < 1005; i++) {
            Files.createFile(many.resolve(String.format("f%04d", i)));
        }
        String out = ok(tool, args("path", "many"), ctx).output();
        assertThat(out).startsWith("many: 1005 entries\nf0000  (0 bytes)\n");
        assertThat(out).contains("f0999  (0 bytes)\n").doesNotContain("f1000");
        assertThat(out).endsWith("[5 more entries not shown]\n");
    }

    @Test
    void theListingIsCappedAtTheOutputLimit() throws Exception {
        Path many = Files.createDirectories(ws.resolve("many"));
        for (int i = 0; i < 100; i++) {
            Files.createFile(many.resolve("file-with-a-long-name-" + i + ".txt"));
        }
        ToolContext small = context(ws, policy("limits: {maxToolOutputBytes: 300}"), Map.of());
        String out = ok(tool, args("path", "many"), small).output();
        assertThat(out).startsWith("many: 100 entries\n").containsPattern("\\[output truncated: \\d+ more bytes]$");
        assertThat(out.substring(0, out.lastIndexOf("\n[output truncated"))).hasSizeLessThanOrEqualTo(300);
    }
}
