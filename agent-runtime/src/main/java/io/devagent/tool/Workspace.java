package io.devagent.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The directory a run works in, and the only one its tools can touch. Paths from the model are
 * relative; {@code ..}, absolute paths, and symlinks whose real target lies outside are refused.
 */
public final class Workspace {

    private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]+");
    private static final Pattern DRIVE_LETTER = Pattern.compile("^[A-Za-z]:.*");

    private final Path root;

    public Workspace(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new IOException(root + " is not a directory");
        }
    }

    public Path root() {
        return root;
    }

    /**
     * The real location of a model-given path, which may not exist yet. The nearest existing
     * ancestor is resolved through its symlinks, so a link anywhere on the way out is caught.
     */
    public Path resolve(String relative) throws ToolException {
        String path = relative == null ? "" : relative.trim();
        if (path.isEmpty() || path.equals(".")) {
            return root;
        }
        if (path.startsWith("/") || path.startsWith("\\") || path.startsWith("~") || DRIVE_LETTER.matcher(path).matches()) {
            throw outside(relative, "absolute paths are not allowed; give a path relative to the workspace");
        }
        for (String segment : SEPARATORS.split(path)) {
            if (segment.equals("..")) {
                throw outside(relative, "'..' is not allowed; stay inside the workspace");
            }
        }
        Path candidate;
        try {
            candidate = root.resolve(path).normalize();
        } catch (InvalidPathException e) {
            throw ToolException.badArguments("'" + relative + "' is not a valid path");
        }
        if (!candidate.startsWith(root)) {
            throw outside(relative, "it is outside the workspace");
        }
        try {
            Path existing = candidate;
            while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
                throw outside(relative, "it is a symlink to a missing target");
            }
            Path real = existing.toRealPath();
            if (!real.startsWith(root)) {
                throw outside(relative, "a symlink leads outside the workspace");
            }
            return real.resolve(existing.relativize(candidate));
        } catch (IOException e) {
            throw ToolException.failed("cannot resolve '" + relative + "': " + e.getMessage());
        }
    }

    /** The workspace-relative form of a real path inside it, with {@code /} separators. */
    public String relative(Path real) {
        String rel = root.relativize(real).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    private static ToolException outside(String path, String why) {
        return new ToolException("outside_workspace", "refused '" + path + "': " + why);
    }
}
