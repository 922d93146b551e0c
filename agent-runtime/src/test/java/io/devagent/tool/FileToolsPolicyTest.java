package io.devagent.tool;

import io.devagent.policy.Policy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

/** The policy's file rules as the file tools apply them: {@code files.deny}, {@code files.readOnly} and {@code files.writable}. */
class FileToolsPolicyTest {

    private static final String NEEDLE = "needle-7f3a";

    @TempDir
    Path ws;

    ToolContext ctx;

    @BeforeEach
    void layout() throws IOException {
        Files.writeString(ws.resolve(".env"), "LLM_API_KEY=" + NEEDLE + "\n");
        Files.createDirectories(ws.resolve("sub/deeper"));
        Files.writeString(ws.resolve("sub/.env"), "TOKEN=" + NEEDLE + "\n");
        Files.writeString(ws.resolve("sub/deeper/.env"), "TOKEN=" + NEEDLE + "\n");
        Files.createDirectories(ws.resolve(".git/hooks"));
        Files.writeString(ws.resolve(".git/config"), "[remote] url = " + NEEDLE + "\n");
        Files.writeString(ws.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(ws.resolve("src.txt"), "visible " + NEEDLE + "\n");
        Files.writeString(ws.resolve("sub/code.txt"), "also " + NEEDLE + "\n");
        // Names that look alike but are not denied.
        Files.writeString(ws.resolve(".env.example"), "EXAMPLE=" + NEEDLE + "\n");
        Files.writeString(ws.resolve(".gitignore"), "target/ " + NEEDLE + "\n");
        Files.createDirectories(ws.resolve(".github"));
        Files.writeString(ws.resolve(".github/ci.yml"), "on: push # " + NEEDLE + "\n");
        // A link inside the workspace to a denied file is denied too: the rules apply to the real path.
        Files.createSymbolicLink(ws.resolve("env-link"), Path.of(".env"));
        Files.createSymbolicLink(ws.resolve("git-link"), Path.of(".git"));
        ctx = context(ws);
    }

    @ParameterizedTest
    @ValueSource(strings = {".env", "sub/.env", "sub/deeper/.env", "./.env", "sub//.env", "env-link"})
    void readingDeniedPathsIsRefused(String path) {
        Tool tool = new ReadFileTool();
        ToolException e = refused("policy_denied", tool, args("path", path), ctx);
        assertThat(e.getMessage()).contains("files.deny").doesNotContain(NEEDLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {".env", "sub/.env"})
    void searchingInsideADeniedPathIsRefused(String path) {
        refused("policy_denied", new SearchFilesTool(), args("pattern", NEEDLE, "path", path), ctx);
    }

    @Test
    void theRepositorysHistoryIsReadable() throws Exception {
        assertThat(ok(new ReadFileTool(), args("path", ".git/HEAD"), ctx).output()).contains("ref: refs/heads/main");
        assertThat(ok(new ReadFileTool(), args("path", "git-link/config"), ctx).output()).contains(NEEDLE);
        assertThat(ok(new ListFilesTool(), args("path", ".git"), ctx).output()).contains("config", "HEAD", "hooks/");
        assertThat(ok(new SearchFilesTool(), args("pattern", NEEDLE, "path", ".git"), ctx).output()).contains(".git/config:1:");
    }

    @ParameterizedTest
    @ValueSource(strings = {".git/config", ".git/HEAD", ".git/hooks/pre-commit", "git-link/hooks/post-checkout", ".git/new"})
    void writingReadOnlyPathsIsRefusedAndWritesNothing(String path) throws IOException {
        ToolException e = refused("policy_denied", new WriteFileTool(), args("path", path, "content", "pwned"), ctx);
        assertThat(e.getMessage()).contains("files.readOnly");
        assertThat(ws.resolve(".git/config")).hasContent("[remote] url = " + NEEDLE + "\n");
        assertThat(ws.resolve(".git/HEAD")).hasContent("ref: refs/heads/main\n");
        assertThat(ws.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(ws.resolve(".git/new")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {".env", "sub/.env", "new/.env", ".git/config", ".git/hooks/pre-commit", "git-link/hooks/post-checkout",
            "env-link"})
    void writingDeniedPathsIsRefusedAndWritesNothing(String path) throws IOException {
        String envBefore = Files.readString(ws.resolve(".env"));
        refused("policy_denied", new WriteFileTool(), args("path", path, "content", "pwned"), ctx);
        assertThat(ws.resolve(".env")).hasContent(envBefore);
        assertThat(ws.resolve(".git/config")).hasContent("[remote] url = " + NEEDLE + "\n");
        assertThat(ws.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(ws.resolve(".git/hooks/post-checkout")).doesNotExist();
        assertThat(ws.resolve("new")).doesNotExist();
    }

    @Test
    void listingHidesDeniedEntriesAndSaysSo() throws Exception {
        String root = ok(new ListFilesTool(), args("path", "."), ctx).output();
        assertThat(root).contains(".env.example", ".gitignore", ".github/", ".git/", "src.txt", "sub/", "env-link@", "git-link@");
        assertThat(root.lines()).noneMatch(line -> line.startsWith(".env "));
        assertThat(root).contains("[1 entries hidden by the policy]");

        String sub = ok(new ListFilesTool(), args("path", "sub"), ctx).output();
        assertThat(sub).startsWith("sub: 2 entries").contains("code.txt", "deeper/").doesNotContain(".env");
        assertThat(sub).contains("[1 entries hidden by the policy]");
    }

    @Test
    void searchSkipsDeniedFilesAndDirectories() throws Exception {
        String result = ok(new SearchFilesTool(), args("pattern", NEEDLE), ctx).output();
        assertThat(result.lines()).containsExactlyInAnyOrder(
                "src.txt:1: visible " + NEEDLE,
                "sub/code.txt:1: also " + NEEDLE,
                ".env.example:1: EXAMPLE=" + NEEDLE,
                ".gitignore:1: target/ " + NEEDLE,
                ".github/ci.yml:1: on: push # " + NEEDLE);
        assertThat(ok(new SearchFilesTool(), args("pattern", "TOKEN=", "path", "sub"), ctx).output())
                .startsWith("no matches for TOKEN= in sub");
    }

    @Test
    void aReadOnlyWorkspaceRefusesWrites() throws Exception {
        ToolContext readOnly = context(ws, policy("files: {writable: false}"), Map.of());
        ToolException e = refused("policy_denied", new WriteFileTool(), args("path", "new.txt", "content", "x"), readOnly);
        assertThat(e.getMessage()).contains("files.writable");
        refused("policy_denied", new WriteFileTool(), args("path", "src.txt", "content", "x"), readOnly);
        assertThat(ws.resolve("new.txt")).doesNotExist();
        assertThat(ws.resolve("src.txt")).hasContent("visible " + NEEDLE + "\n");
        // Reading still works, and the default deny list still applies.
        assertThat(ok(new ReadFileTool(), args("path", "src.txt"), readOnly).output()).contains(NEEDLE);
        refused("policy_denied", new ReadFileTool(), args("path", ".env"), readOnly);
    }

    @Test
    void aCustomDenyListReplacesTheDefaults() throws Exception {
        ToolContext custom = context(ws, policy("files: {deny: [\"sub/**\", \"*.txt\"]}"), Map.of());
        refused("policy_denied", new ReadFileTool(), args("path", "sub/code.txt"), custom);
        refused("policy_denied", new ReadFileTool(), args("path", "src.txt"), custom);
        refused("policy_denied", new ListFilesTool(), args("path", "sub"), custom);
        // The default rules are gone with this list: .env is readable now.
        assertThat(ok(new ReadFileTool(), args("path", ".env"), custom).output()).contains(NEEDLE);
        String search = ok(new SearchFilesTool(), args("pattern", NEEDLE), custom).output();
        assertThat(search).doesNotContain("src.txt", "sub/").contains(".env:1:");
    }

    @Test
    void theDefaultsDenyEnvFilesAndKeepGitReadOnly() {
        assertThat(Policy.defaults().files().deny()).containsExactly("**/.env");
        assertThat(Policy.defaults().files().readOnly()).containsExactly(".git/**");
        assertThat(Policy.defaults().files().writable()).isTrue();
    }
}
