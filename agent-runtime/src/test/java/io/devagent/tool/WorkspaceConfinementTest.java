package io.devagent.tool;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.devagent.tool.ToolFixtures.args;
import static io.devagent.tool.ToolFixtures.context;
import static io.devagent.tool.ToolFixtures.ok;
import static io.devagent.tool.ToolFixtures.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every way out of the workspace, for reading and for writing: each is refused as
 * {@code outside_workspace}, and nothing outside is read or written.
 */
class WorkspaceConfinementTest {

    private static final String SECRET = "TOP SECRET outside the workspace";

    @TempDir
    Path base;

    Path ws;
    Path outside;
    ToolContext ctx;

    @BeforeEach
    void layout() throws IOException {
        ws = Files.createDirectories(base.resolve("ws"));
        outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.createDirectories(outside.resolve("dir"));
        Files.writeString(outside.resolve("dir/inner.txt"), SECRET);

        Files.createDirectories(ws.resolve("sub"));
        Files.writeString(ws.resolve("sub/file.txt"), "inside content\n");
        Files.writeString(ws.resolve("top.txt"), "top\n");
        // Links that lead out: to a file, to a directory, through a relative hop, through a chain.
        Files.createSymbolicLink(ws.resolve("link-file"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(ws.resolve("link-dir"), outside);
        Files.createSymbolicLink(ws.resolve("sub/up"), Path.of("../../outside"));
        Files.createSymbolicLink(ws.resolve("chain"), Path.of("link-file"));
        // Dangling links: to a missing file outside, and to a missing file inside.
        Files.createSymbolicLink(ws.resolve("dangling"), outside.resolve("missing.txt"));
        Files.createSymbolicLink(ws.resolve("dangling-inside"), Path.of("sub/nope.txt"));
        Files.createSymbolicLink(ws.resolve("dangling-dir"), outside.resolve("missing-dir"));
        // Links that stay inside.
        Files.createSymbolicLink(ws.resolve("inside-link"), Path.of("sub/file.txt"));
        Files.createSymbolicLink(ws.resolve("inside-dir"), Path.of("sub"));
        ctx = context(ws);
    }

    /** Paths that name something outside the workspace, or cannot be proven to stay inside it. */
    static Stream<String> escapesForReading() {
        return Stream.of(
                "..", "../outside/secret.txt", "a/../../outside/secret.txt", "sub/../../outside/secret.txt",
                "./../outside/secret.txt", "sub/./../../outside/secret.txt",
                "..\\outside\\secret.txt", "sub\\..\\..\\outside\\secret.txt", "sub/..\\..\\outside/secret.txt",
                "/etc/passwd", "  /etc/passwd", "\\etc\\passwd", "//etc/passwd", "~", "~/.bashrc", "~root/.bashrc",
                "C:\\Windows\\win.ini",
                "link-file", "chain", "link-dir", "link-dir/secret.txt", "link-dir/dir/inner.txt", "link-dir/missing.txt",
                "sub/up", "sub/up/secret.txt", "sub/up/dir",
                "dangling", "dangling-inside", "dangling-dir", "dangling-dir/x.txt");
    }

    @ParameterizedTest
    @MethodSource("escapesForReading")
    void readFileRefusesEveryEscape(String path) {
        ToolException e = refused("outside_workspace", new ReadFileTool(), args("path", path), ctx);
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @ParameterizedTest
    @MethodSource("escapesForReading")
    void listFilesRefusesEveryEscape(String path) {
        ToolException e = refused("outside_workspace", new ListFilesTool(), args("path", path), ctx);
        // The message echoes the path it was given, and nothing of what lies outside.
        for (String outsideName : List.of("secret.txt", "inner.txt", "dir/")) {
            if (!path.contains(outsideName.replace("/", ""))) {
                assertThat(e.getMessage()).doesNotContain(outsideName);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("escapesForReading")
    void searchFilesRefusesEveryEscape(String path) {
        ToolException e = refused("outside_workspace", new SearchFilesTool(), args("pattern", "SECRET", "path", path), ctx);
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void absolutePathOfTheOutsideFileIsRefused() {
        String absolute = outside.resolve("secret.txt").toString();
        refused("outside_workspace", new ReadFileTool(), args("path", absolute), ctx);
        // Even an absolute path that names a file inside the workspace is refused: paths are relative.
        refused("outside_workspace", new ReadFileTool(), args("path", ws.resolve("top.txt").toString()), ctx);
    }

    /** Targets that would land outside: the expected victim is checked below by snapshotting the outside tree. */
    static Stream<String> escapesForWriting() {
        return Stream.of(
                "../outside/pwned.txt", "a/../../outside/pwned.txt", "sub/../../outside/pwned.txt",
                "..\\outside\\pwned.txt", "sub\\..\\..\\outside\\pwned.txt",
                "../pwned.txt", "~/pwned.txt", "~", "/tmp/pwned-by-dev-agent-test.txt",
                "link-file", "chain", "link-dir/secret.txt", "link-dir/pwned.txt", "link-dir/new/deeper/pwned.txt",
                "link-dir/dir/inner.txt", "sub/up/pwned.txt", "sub/up/new/pwned.txt",
                "dangling", "dangling-inside", "dangling-dir/pwned.txt", "link-dir");
    }

    @ParameterizedTest
    @MethodSource("escapesForWriting")
    void writeFileRefusesEveryEscapeAndWritesNothingOutside(String path) throws IOException {
        Map<String, String> before = tree(base);
        refused("outside_workspace", new WriteFileTool(), args("path", path, "content", "pwned"), ctx);
        assertThat(tree(base)).as("files under the test's temp dir after writing %s", path).isEqualTo(before);
        assertThat(outside.resolve("missing.txt")).doesNotExist();
        assertThat(base.resolve("pwned.txt")).doesNotExist();
        assertThat(Path.of("/tmp/pwned-by-dev-agent-test.txt")).doesNotExist();
    }

    @Test
    void writeFileRefusesAbsolutePathsAndLeavesThemAlone() throws IOException {
        Path victim = outside.resolve("secret.txt");
        refused("outside_workspace", new WriteFileTool(), args("path", victim.toString(), "content", "pwned"), ctx);
        assertThat(victim).hasContent(SECRET);

        Path created = outside.resolve("absolute-new.txt");
        refused("outside_workspace", new WriteFileTool(), args("path", created.toString(), "content", "pwned"), ctx);
        assertThat(created).doesNotExist();

        byte[] passwd = Files.readAllBytes(Path.of("/etc/passwd"));
        refused("outside_workspace", new WriteFileTool(), args("path", "/etc/passwd", "content", "pwned"), ctx);
        assertThat(Files.readAllBytes(Path.of("/etc/passwd"))).isEqualTo(passwd);
    }

    @Test
    void aLinkCreatedAfterTheContextIsBuiltIsStillCaught() throws Exception {
        // Resolution happens at each call, not when the workspace is opened.
        Files.writeString(ws.resolve("later.txt"), "fine");
        assertThat(ok(new ReadFileTool(), args("path", "later.txt"), ctx).output()).isEqualTo("     1\tfine\n[end of file: 1 line]");
        Files.delete(ws.resolve("later.txt"));
        Files.createSymbolicLink(ws.resolve("later.txt"), outside.resolve("secret.txt"));
        refused("outside_workspace", new ReadFileTool(), args("path", "later.txt"), ctx);
        refused("outside_workspace", new WriteFileTool(), args("path", "later.txt", "content", "x"), ctx);
        assertThat(outside.resolve("secret.txt")).hasContent(SECRET);
    }

    @Test
    void symlinksThatStayInsideWork() throws Exception {
        assertThat(ok(new ReadFileTool(), args("path", "inside-link"), ctx).output()).isEqualTo("     1\tinside content\n[end of file: 1 line]");
        assertThat(ok(new ReadFileTool(), args("path", "inside-dir/file.txt"), ctx).output()).isEqualTo("     1\tinside content\n[end of file: 1 line]");
        assertThat(ok(new ListFilesTool(), args("path", "inside-dir"), ctx).output())
                .startsWith("sub: ").contains("file.txt  (15 bytes)");
        assertThat(ok(new SearchFilesTool(), args("pattern", "inside", "path", "inside-dir"), ctx).output())
                .contains("sub/file.txt:1: inside content");

        ToolResult created = ok(new WriteFileTool(), args("path", "inside-dir/new.txt", "content", "via link"), ctx);
        assertThat(created.output()).isEqualTo("created sub/new.txt (8 bytes)");
        assertThat(ws.resolve("sub/new.txt")).hasContent("via link");

        ToolResult replaced = ok(new WriteFileTool(), args("path", "inside-link", "content", "replaced"), ctx);
        assertThat(replaced.output()).isEqualTo("replaced sub/file.txt (8 bytes)");
        assertThat(ws.resolve("sub/file.txt")).hasContent("replaced");
        assertThat(Files.isSymbolicLink(ws.resolve("inside-link"))).as("the link itself is kept").isTrue();
    }

    @Test
    void listingShowsLinksWithoutFollowingThem() throws Exception {
        String listing = ok(new ListFilesTool(), args("path", "."), ctx).output();
        assertThat(listing).contains("link-dir@", "link-file@", "dangling@", "inside-dir@", "sub/", "top.txt  (4 bytes)");
        assertThat(listing).doesNotContain("secret.txt", "inner.txt", SECRET);
    }

    @Test
    void searchingTheWholeWorkspaceDoesNotFollowLinksOut() throws Exception {
        String result = ok(new SearchFilesTool(), args("pattern", "SECRET"), ctx).output();
        assertThat(result).startsWith("no matches for SECRET in .");
        assertThat(result).doesNotContain(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "  ", "./"})
    void theRootItselfIsReachableButNotWritable(String path) throws Exception {
        assertThat(ok(new ListFilesTool(), args("path", path), ctx).output()).startsWith(".: ");
        refused("bad_arguments", new WriteFileTool(), args("path", path, "content", "x"), ctx);
    }

    @Test
    void aPathWithANulByteIsABadArgument() {
        refused("bad_arguments", new ReadFileTool(), args("path", "a\u0000b"), ctx);
        refused("bad_arguments", new WriteFileTool(), args("path", "a\u0000b", "content", "x"), ctx);
    }

    @Test
    void workspaceResolvesToRealPathsAndRelativeForms() throws Exception {
        Workspace workspace = new Workspace(ws);
        assertThat(workspace.root()).isEqualTo(ws.toRealPath());
        assertThat(workspace.resolve(".")).isEqualTo(workspace.root());
        assertThat(workspace.resolve(null)).isEqualTo(workspace.root());
        assertThat(workspace.resolve("sub//file.txt")).isEqualTo(workspace.root().resolve("sub/file.txt"));
        assertThat(workspace.resolve("not/yet/there.txt")).isEqualTo(workspace.root().resolve("not/yet/there.txt"));
        assertThat(workspace.resolve("inside-link")).isEqualTo(workspace.root().resolve("sub/file.txt"));
        assertThat(workspace.relative(workspace.root())).isEqualTo(".");
        assertThat(workspace.relative(workspace.root().resolve("sub/file.txt"))).isEqualTo("sub/file.txt");

        // A workspace opened through a symlink is confined to the real directory.
        Path alias = Files.createSymbolicLink(base.resolve("alias"), ws);
        Workspace viaAlias = new Workspace(alias);
        assertThat(viaAlias.root()).isEqualTo(ws.toRealPath());
        ToolException e = assertThrows(ToolException.class, () -> viaAlias.resolve("link-dir/secret.txt"));
        assertThat(e.kind()).isEqualTo("outside_workspace");
    }

    @Test
    void aWorkspaceMustBeAnExistingDirectory() {
        assertThrows(IOException.class, () -> new Workspace(ws.resolve("top.txt")));
        assertThrows(IOException.class, () -> new Workspace(base.resolve("absent")));
    }

    /** Every file and link under {@code dir} (links not followed), with its content or target. */
    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        }
        for (Path p : paths) {
            String key = dir.relativize(p).toString();
            if (Files.isSymbolicLink(p)) {
                files.put(key, "-> " + Files.readSymbolicLink(p));
            } else if (Files.isDirectory(p)) {
                files.put(key + "/", "");
            } else {
                files.put(key, Files.readString(p));
            }
        }
        return files;
    }
}
