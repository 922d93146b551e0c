package io.devagent.tool;

import io.devagent.policy.Globs;
import io.devagent.policy.Policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The existing paths a sandbox must protect in a workspace, found once per command: those the
 * policy denies ({@code files.deny}: hidden) and those it makes read-only ({@code files.readOnly}:
 * mounted or granted read-only). Each list holds the topmost path of each matching subtree. Any
 * sandbox (bubblewrap, Landlock) takes its paths from {@link #of}, so that the file tools and the
 * shell enforce the same policy.
 *
 * <p>A worktree's {@code .git} is a file that points into the main repository; when it is
 * read-only, the directories it points to are read-only too, so that git commands still work.
 */
public record ProtectedPaths(List<Path> denied, List<Path> readOnly) {

    public static ProtectedPaths of(Path workspace, Policy.Files files) {
        List<Path> denied = new ArrayList<>();
        List<Path> readOnly = new ArrayList<>();
        if (files.deny().isEmpty() && files.readOnly().isEmpty()) {
            return new ProtectedPaths(denied, readOnly);
        }
        try {
            Files.walkFileTree(workspace, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(workspace)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String rel = relative(workspace, dir);
                    if (Globs.matchesPath(files.deny(), rel)) {
                        denied.add(dir);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (Globs.matchesPath(files.readOnly(), rel)) {
                        if (!under(readOnly, dir)) {
                            readOnly.add(dir); // the topmost only: below it the walk goes on just for denied files
                        }
                        // Denied files inside a read-only tree are still hidden: look further only when some deny rule could match.
                        return files.deny().isEmpty() ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String rel = relative(workspace, file);
                    if (Globs.matchesPath(files.deny(), rel)) {
                        denied.add(file);
                    } else if (Globs.matchesPath(files.readOnly(), rel) && !under(readOnly, file)) {
                        readOnly.add(file);
                        if (file.getFileName().toString().equals(".git")) {
                            readOnly.addAll(linkedGitDirs(file));
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // an unreadable subtree cannot be read from the sandbox either
        }
        return new ProtectedPaths(denied, readOnly);
    }

    private static boolean under(List<Path> roots, Path path) {
        return roots.stream().anyMatch(path::startsWith);
    }

    /** The git directory a {@code .git} file names ({@code gitdir: ...}) and its common directory. */
    static List<Path> linkedGitDirs(Path gitFile) {
        List<Path> dirs = new ArrayList<>();
        try {
            String text = Files.readString(gitFile, StandardCharsets.UTF_8).strip();
            if (!text.startsWith("gitdir:")) {
                return dirs;
            }
            Path gitDir = gitFile.getParent().resolve(text.substring("gitdir:".length()).strip()).normalize();
            if (Files.isDirectory(gitDir)) {
                dirs.add(gitDir);
                Path common = gitDir.resolve("commondir");
                if (Files.isRegularFile(common)) {
                    Path commonDir = gitDir.resolve(Files.readString(common, StandardCharsets.UTF_8).strip()).normalize();
                    if (Files.isDirectory(commonDir) && !gitDir.startsWith(commonDir)) {
                        dirs.add(commonDir);
                    } else if (Files.isDirectory(commonDir)) {
                        dirs.set(0, commonDir);
                    }
                }
            }
        } catch (IOException ignored) {
            // an unreadable link file: the command sees no repository
        }
        return dirs;
    }

    private static String relative(Path workspace, Path path) {
        return workspace.relativize(path).toString().replace('\\', '/');
    }
}
