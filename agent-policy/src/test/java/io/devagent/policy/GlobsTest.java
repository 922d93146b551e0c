package io.devagent.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GlobsTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            "**/.env, .env, true",
            "**/.env, a/.env, true",
            "**/.env, a/b/.env, true",
            "**/.env, .env.example, false",
            "**/.env, a/.envrc, false",
            "**/.env, a/b/x.env, false",
            "**/.env, .env/inner, false",
            ".git/**, .git, true",
            ".git/**, .git/config, true",
            ".git/**, .git/x/y, true",
            ".git/**, .github/workflows/ci.yml, false",
            ".git/**, .gitignore, false",
            ".git/**, sub/.git/config, false",
            "*.pem, key.pem, true",
            "*.pem, certs/key.pem, false",
            "**/*.pem, certs/deep/key.pem, true",
            "**/*.pem, key.pem, true",
            "secrets/**, secrets, true",
            "secrets/**, secrets/a/b, true",
            "secrets/**, secretsx, false",
            "build, build, true",
            "build, build/x, false",
            "**/node_modules/**, node_modules, true",
            "**/node_modules/**, a/node_modules/b/c, true",
            "**/node_modules/**, node_modules/b, true",
    })
    void matchesPathsLikeGitignore(String glob, String path, boolean expected) {
        assertThat(Globs.matchesPath(List.of(glob), path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            "*, read_file, true",
            "*, '', true",
            "read_*, read_file, true",
            "read_*, list_files, false",
            "*_files, search_files, true",
            "mcp__*, mcp__everything__echo, true",
            "everything__*, files__read, false",
            "run_shel?, run_shell, true",
            "run_shel?, run_shel, false",
            "http.fetch, http_fetch, false",
            "a+b, aab, false",
            "a+b, a+b, true",
            "[ab], a, false",
            "[ab], [ab], true",
            "read_file, read_file, true",
            "read_file, read_files, false",
    })
    void matchesNamesWithStarAndQuestionMarkOnly(String glob, String name, boolean expected) {
        assertThat(Globs.matchesName(glob, name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({".env, true", "src/App.java, false", ".git/HEAD, true", "., false"})
    void anyOfSeveralGlobsMatches(String path, boolean expected) {
        assertThat(Globs.matchesPath(List.of("**/.env", ".git/**"), path)).isEqualTo(expected);
        assertThat(Globs.matchesPath(List.of(), path)).isFalse();
    }
}
