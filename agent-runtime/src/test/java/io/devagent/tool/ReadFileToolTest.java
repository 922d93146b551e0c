package io.devagent.tool;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.devagent.tool.ToolFixtures.args;
import static io.devagent.tool.ToolFixtures.context;
import static io.devagent.tool.ToolFixtures.ok;
import static io.devagent.tool.ToolFixtures.policy;
import static io.devagent.tool.ToolFixtures.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ReadFileToolTest {

    @TempDir
    Path ws;

    ToolContext ctx;
    ToolContext small;
    final ReadFileTool tool = new ReadFileTool();

    @BeforeEach
    void setUp() throws IOException {
        ctx = context(ws);
        small = context(ws, policy("limits: {maxToolOutputBytes: 300}"), Map.of());
    }

    @Test
    void readsATextFileExactly() throws Exception {
        Files.createDirectories(ws.resolve("src"));
        Files.writeString(ws.resolve("src/Main.java"), "class Main {}\n// ünïcødé ✓\n");
        ToolResult result = ok(tool, args("path", "src/Main.java"), ctx);
        assertThat(result.output()).isEqualTo("class Main {}\n// ünïcødé ✓\n");
    }

    @Test
    void anEmptyFileReadsAsEmpty() throws Exception {
        Files.writeString(ws.resolve("empty.txt"), "");
        assertThat(ok(tool, args("path", "empty.txt"), ctx).output()).isEmpty();
    }

    @Test
    void aLongFileIsTruncatedAtTheOutputLimit() throws Exception {
        Files.writeString(ws.resolve("long.txt"), "x".repeat(1000));
        String out = ok(tool, args("path", "long.txt"), small).output();
        assertThat(out).isEqualTo("x".repeat(300) + "\n[file truncated: showing 300 of 1000 bytes]");
    }

    @Test
    void aFileOfExactlyTheLimitIsNotTruncated() throws Exception {
        Files.writeString(ws.resolve("exact.txt"), "y".repeat(300));
        assertThat(ok(tool, args("path", "exact.txt"), small).output()).isEqualTo("y".repeat(300));
        Files.writeString(ws.resolve("one-more.txt"), "y".repeat(301));
        assertThat(ok(tool, args("path", "one-more.txt"), small).output())
                .isEqualTo("y".repeat(300) + "\n[file truncated: showing 300 of 301 bytes]");
    }

    @Test
    void truncationNeverSplitsAMultiByteCharacter() throws Exception {
        // 'é' is 2 bytes and '€' 3: with 1 + 2*n bytes before the cut, the limit falls inside a character.
        String text = "a" + "é".repeat(200) + "€".repeat(100);
        Files.writeString(ws.resolve("utf8.txt"), text);
        String out = ok(tool, args("path", "utf8.txt"), small).output();
        String shown = out.substring(0, out.indexOf("\n[file truncated"));
        assertThat(shown).doesNotContain("\uFFFD");
        assertThat(shown.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(300).isGreaterThanOrEqualTo(298);
        assertThat(text).startsWith(shown);
        assertThat(out).endsWith("[file truncated: showing 300 of " + text.getBytes(StandardCharsets.UTF_8).length + " bytes]");
    }

    @Test
    void aBinaryFileIsNotShown() throws Exception {
        byte[] bytes = new byte[5000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 7 == 0 ? 0 : 'A' + i % 26);
        }
        Files.write(ws.resolve("image.png"), bytes);
        ToolResult result = ok(tool, args("path", "image.png"), ctx);
        assertThat(result.output()).isEqualTo("'image.png' is a binary file (5000 bytes); not shown");
    }

    @Test
    void aZeroByteBeyondTheLimitDoesNotMakeTheFileBinary() throws Exception {
        byte[] bytes = ("z".repeat(400) + "\0").getBytes(StandardCharsets.UTF_8);
        Files.write(ws.resolve("late-nul.txt"), bytes);
        assertThat(ok(tool, args("path", "late-nul.txt"), small).output())
                .startsWith("z".repeat(300)).endsWith("[file truncated: showing 300 of 401 bytes]");
    }

    @Test
    void missingFilesAndDirectoriesFail() throws Exception {
        Files.createDirectories(ws.resolve("dir"));
        assertThat(refused("tool_failed", tool, args("path", "nope.txt"), ctx).getMessage()).contains("does not exist");
        assertThat(refused("tool_failed", tool, args("path", "dir"), ctx).getMessage()).contains("list_files");
        assertThat(refused("tool_failed", tool, args("path", "."), ctx).getMessage()).contains("directory");
    }

    @Test
    void aNamedPipeDoesNotHangTheCall() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", ws.resolve("pipe").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        // Opening a FIFO for reading blocks until a writer comes, which would hold the whole run.
        ToolException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> refused("tool_failed", tool, args("path", "pipe"), ctx));
        assertThat(e.getMessage()).contains("not a regular file");
    }

    @Test
    void badArguments() {
        refused("bad_arguments", tool, args(), ctx);
        refused("bad_arguments", tool, ToolFixtures.args().putNull("path"), ctx);
        refused("bad_arguments", tool, ToolFixtures.args().put("path", 42), ctx);
        refused("bad_arguments", tool, ToolFixtures.args().put("path", true), ctx);
        var arrayArg = ToolFixtures.args();
        arrayArg.putArray("path").add("a.txt");
        assertThat(refused("bad_arguments", tool, arrayArg, ctx).getMessage()).contains("'path'", "string");
    }
}
