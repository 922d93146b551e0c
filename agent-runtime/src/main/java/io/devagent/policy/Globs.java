package io.devagent.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Glob matching for tool names and workspace paths, with the forms users expect from .gitignore-like rules. */
public final class Globs {

    /**
     * Compiled globs, by glob: every run checks the same few policy globs at each step (tool schemas, each
     * path a tool touches), and compiling them each time was a measurable part of a step. The globs come
     * from policies, so there are few; the caches are emptied if they ever grow.
     */
    private static final Map<String, Pattern> NAMES = new ConcurrentHashMap<>();
    private static final Map<String, PathMatcher> PATHS = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 1024;

    private Globs() {
    }

    /** {@code *} matches any run of characters in a tool name. */
    public static boolean matchesName(String glob, String name) {
        return cached(NAMES, glob, Globs::namePattern).matcher(name).matches();
    }

    private static Pattern namePattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
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
            for (String variant : variants(glob)) {
                PathMatcher matcher = cached(PATHS, variant, v -> FileSystems.getDefault().getPathMatcher("glob:" + v));
                if (matcher.matches(path)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static <T> T cached(Map<String, T> cache, String glob, Function<String, T> compile) {
        T compiled = cache.get(glob);
        if (compiled == null) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            compiled = cache.computeIfAbsent(glob, compile);
        }
        return compiled;
    }

    private static List<String> variants(String glob) {
        String top = glob.startsWith("**/") ? glob.substring(3) : glob;
        String self = top.endsWith("/**") ? top.substring(0, top.length() - 3) : top;
        return List.of(glob, top, self, glob.endsWith("/**") ? glob.substring(0, glob.length() - 3) : glob);
    }
}
