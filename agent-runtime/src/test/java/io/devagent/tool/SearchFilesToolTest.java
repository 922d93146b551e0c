package io.devagent.tool;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.devagent.tool.ToolFixtures.args;
import static io.devagent.tool.ToolFixtures.context;
import static io.devagent.tool.ToolFixtures.ok;
import static io.devagent.tool.ToolFixtures.policy;
import static io.devagent.tool.ToolFixtures.refused;
import static org.assertj.core.api.Assertions.assertThat;

class SearchFilesToolTest {

    @TempDir
    Path ws;

    ToolContext ctx;
    final SearchFilesTool tool = new SearchFilesTool();

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(ws.resolve("src/util"));
        Files.createDirectories(ws.resolve("docs"));
        Files.writeString(ws.resolve("src/app.py"), """
                import os

                def main():
                    print(compute(1))
                def compute(x):
                    return x + 1
                """);
        Files.writeString(ws.resolve("src/util/strings.py"), "def pad(s):\n    return s.ljust(10)  # compute(\n");
        Files.writeString(ws.resolve("docs/notes.md"), "call compute( with care\n[draft] notes\n");
        ctx = context(ws);
    }

    @Test
    void findsRegexMatchesWithFileAndLine() throws Exception {
        String out = ok(tool, args("pattern", "^def \\w+\\("), ctx).output();
        assertThat(out.lines()).containsExactlyInAnyOrder(
                "src/app.py:3: def main():",
                "src/app.py:5: def compute(x):",
                "src/util/strings.py:1: def pad(s):");
    }

    @Test
    void anInvalidRegexIsSearchedLiterally() throws Exception {
        String out = ok(tool, args("pattern", "compute("), ctx).output();
        assertThat(out.lines()).containsExactlyInAnyOrder(
                "src/app.py:4: print(compute(1))",
                "src/app.py:5: def compute(x):",
                "src/util/strings.py:2: return s.ljust(10)  # compute(",
                "docs/notes.md:1: call compute( with care");
        assertThat(ok(tool, args("pattern", "[draft"), ctx).output()).isEqualTo("docs/notes.md:2: [draft] notes\n");
    }

    @Test
    void thePathNarrowsTheSearch() throws Exception {
        assertThat(ok(tool, args("pattern", "compute", "path", "docs"), ctx).output())
                .isEqualTo("docs/notes.md:1: call compute( with care\n");
        assertThat(ok(tool, args("pattern", "def", "path", "src/util"), ctx).output())
                .isEqualTo("src/util/strings.py:1: def pad(s):\n");
        assertThat(ok(tool, args("pattern", "import", "path", "src/app.py"), ctx).output())
                .isEqualTo("src/app.py:1: import os\n");
    }

    @Test
    void noMatchesIsNotAnError() throws Exception {
        assertThat(ok(tool, args("pattern", "zebra"), ctx).output()).isEqualTo("no matches for zebra in .");
        assertThat(ok(tool, args("pattern", "zebra", "path", "src"), ctx).output()).isEqualTo("no matches for zebra in src");
    }

    @Test
    void binaryFilesAreSkipped() throws Exception {
        Files.write(ws.resolve("blob.bin"), new byte[] {'c', 'o', 'm', 'p', 'u', 't', 'e', 0, 1, 2});
        assertThat(ok(tool, args("pattern", "comput"), ctx).output()).doesNotContain("blob.bin");
    }

    @Test
    void longLinesAreShortened() throws Exception {
        Files.writeString(ws.resolve("wide.txt"), "match" + "-".repeat(1000) + "\n");
        String out = ok(tool, args("pattern", "match", "path", "wide.txt"), ctx).output();
        assertThat(out).isEqualTo("wide.txt:1: match" + "-".repeat(295) + "…\n");
    }

    @Test
    void matchesStopAtTwoHundred() throws Exception {
        Files.writeString(ws.resolve("many.txt"), IntStream.range(0, 250).mapToObj(i -> "hit " + i).collect(Collectors.joining("\n")));
        String out = ok(tool, args("pattern", "hit", "path", "many.txt"), ctx).output();
        assertThat(out.lines().filter(l -> l.startsWith("many.txt:"))).hasSize(200);
        assertThat(out).contains("many.txt:200: hit 199\n").doesNotContain("hit 200");
        assertThat(out).endsWith("[stopped at 200 matches; narrow the pattern or the path]\n");
    }

    @Test
    void theResultIsCappedAtTheOutputLimit() throws Exception {
        Files.writeString(ws.resolve("many.txt"), IntStream.range(0, 100).mapToObj(i -> "hit number " + i).collect(Collectors.joining("\n")));
        ToolContext small = context(ws, policy("limits: {maxToolOutputBytes: 300}"), Map.of());
        String out = ok(tool, args("pattern", "hit", "path", "many.txt"), small).output();
        assertThat(out).startsWith("many.txt:1: hit number 0\n").containsPattern("\\[output truncated: \\d+ more bytes]$");
    }

    @Test
    void badArgumentsAndMissingPaths() {
        refused("bad_arguments", tool, args(), ctx);
        refused("bad_arguments", tool, args("pattern", ""), ctx);
        refused("bad_arguments", tool, ToolFixtures.args().put("pattern", 3), ctx);
        refused("bad_arguments", tool, ToolFixtures.args("pattern", "x").put("path", 3), ctx);
        assertThat(refused("tool_failed", tool, args("pattern", "x", "path", "nowhere"), ctx).getMessage()).contains("does not exist");
    }
}
