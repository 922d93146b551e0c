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
    void readsLinesNumberedWithTheEndOfTheFileSaid() throws Exception {
        Files.createDirectories(ws.resolve("src"));
        Files.writeString(ws.resolve("src/Main.java"), "class Main {}\n// ünïcødé ✓\n");
        ToolResult result = ok(tool, args("path", "src/Main.java"), ctx);
        assertThat(result.output()).isEqualTo("     1\tclass Main {}\n     2\t// ünïcødé ✓\n[end of file: 2 lines]");
    }

    @Test
    void anEmptyFileSaysSo() throws Exception {
        Files.writeString(ws.resolve("empty.txt"), "");
        assertThat(ok(tool, args("path", "empty.txt"), ctx).output()).isEqualTo("'empty.txt' is empty");
    }

    @Test
    void offsetAndLimitPickTheLinesAndTheRestIsCounted() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(ws.resolve("long.txt"), text);
        String first = ok(tool, args("path", "long.txt"), ctx).output();
        assertThat(first).startsWith("     1\tline 1\n").contains("   250\tline 250\n").doesNotContain("line 251")
                .endsWith("[750 more lines of 1000; read on with offset=251]");
        var ranged = args("path", "long.txt");
        ranged.put("offset", 998).put("limit", 10);
        assertThat(ok(tool, ranged, ctx).output()).isEqualTo("   998\tline 998\n   999\tline 999\n  1000\tline 1000\n[end of file: 1000 lines]");
        var asText = args("path", "long.txt", "offset", "500", "limit", "2");
        assertThat(ok(tool, asText, ctx).output()).isEqualTo("   500\tline 500\n   501\tline 501\n[499 more lines of 1000; read on with offset=502]");
        var past = args("path", "long.txt");
        past.put("offset", 1001);
        assertThat(refused("tool_failed", tool, past, ctx).getMessage()).isEqualTo("offset 1001 is past the end of 'long.txt', which has 1000 lines");
        var zero = args("path", "long.txt");
        zero.put("offset", 0);
        refused("bad_arguments", tool, zero, ctx);
    }

    @Test
    void theOutputLimitEndsTheWindowOnAWholeLine() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            text.append("é€ line ").append(i).append('\n');
        }
        Files.writeString(ws.resolve("utf8.txt"), text);
        String out = ok(tool, args("path", "utf8.txt"), small).output();
        assertThat(out.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(300);
        assertThat(out).doesNotContain("\uFFFD").startsWith("     1\té€ line 1\n").containsPattern("more lines of 100; read on with offset=\\d+]$");
    }

    @Test
    void aBinaryFileIsAnError() throws Exception {
        byte[] bytes = new byte[5000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 7 == 0 ? 0 : 'A' + i % 26);
        }
        Files.write(ws.resolve("image.png"), bytes);
        assertThat(refused("tool_failed", tool, args("path", "image.png"), ctx).getMessage())
                .isEqualTo("'image.png' is not a text file (5000 bytes, binary); it cannot be shown");
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
