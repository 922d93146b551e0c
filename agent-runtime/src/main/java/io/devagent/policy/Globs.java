package io.devagent.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/** Glob matching for tool names and workspace paths, with the forms users expect from .gitignore-like rules. */
public final class Globs {

    private Globs() {
    }

    /** {@code *} matches any run of characters in a tool name. */
    public static boolean matchesName(String glob, String name) {
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
        return name.matches(regex.toString());
    }

    /**
     * Whether a workspace-relative path matches any glob. {@code **}{@code /x} also matches {@code x} at
     * the top, and {@code dir/**} also matches {@code dir} itself, as users of gitignore expect.
     */
    public static boolean matchesPath(List<String> globs, String relativePath) {
        Path path = Path.of(relativePath.isEmpty() ? "." : relativePath);
        for (String glob : globs) {
            for (String variant : variants(glob)) {
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + variant);
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
