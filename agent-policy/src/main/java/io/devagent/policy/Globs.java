package io.devagent.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Glob matching for tool names and workspace paths, with the forms users expect from .gitignore-like rules. */
public final class Globs {

    /**
     * Compiled globs, by glob: a policy has a few dozen, checked at every tool call and for every
     * offered tool at every step. Globs come from policy files, so the caches stay small; the bound
     * only guards against a policy reloaded with new globs forever.
     */
    private static final int CACHE_LIMIT = 10_000;
    private static final Map<String, Pattern> NAME_PATTERNS = new ConcurrentHashMap<>();
    private static final Map<String, List<PathMatcher>> PATH_MATCHERS = new ConcurrentHashMap<>();

    private Globs() {
    }

    /** {@code *} matches any run of characters in a tool name. */
    public static boolean matchesName(String glob, String name) {
        Pattern pattern = NAME_PATTERNS.get(glob);
        if (pattern == null) {
            pattern = namePattern(glob);
            if (NAME_PATTERNS.size() < CACHE_LIMIT) {
                NAME_PATTERNS.put(glob, pattern);
            }
        }
        return pattern.matcher(name).matches();
    }

    private static Pattern namePattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * Whether a workspace-relative path matches any glob. {@code **}{@code /x} also matches {@code x} at
     * the top, and {@code dir/**} also matches {@code dir} itself, as users of gitignore expect.
     */
    public static boolean matchesPath(List<String> globs, String relativePath) {
        Path path = Path.of(relativePath.isEmpty() ? "." : relativePath);
        for (String glob : globs) {
            List<PathMatcher> matchers = PATH_MATCHERS.get(glob);
            if (matchers == null) {
                matchers = variants(glob).stream().map(v -> FileSystems.getDefault().getPathMatcher("glob:" + v)).toList();
                if (PATH_MATCHERS.size() < CACHE_LIMIT) {
                    PATH_MATCHERS.put(glob, matchers);
                }
            }
            for (PathMatcher matcher : matchers) {
                if (matcher.matches(path)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> variants(String glob) {
        String top = glob.startsWith("**/") ? glob.substring(3) : glob;
        String self = top.endsWith("/**") ? top.substring(0, top.length() - 3) : top;
        return List.of(glob, top, self, glob.endsWith("/**") ? glob.substring(0, glob.length() - 3) : glob);
    }
}
