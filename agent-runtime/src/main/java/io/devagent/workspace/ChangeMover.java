package io.devagent.workspace;

import io.devagent.state.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Moves the files of a directory from one snapshot's content to another's: revert (from the run's
 * last snapshot back to its start) and apply (from an isolated run's start to its end, in the main
 * working tree) are both this. Only the files that differ between the two snapshots are touched. A
 * file that is in neither state (someone changed it since) stops the move before anything is
 * written, unless {@code merge} is asked: then it gets a three-way merge (conflict markers where the
 * edits overlap). A write that fails puts back the files already written: nothing is left half done.
 */
final class ChangeMover {

    /** What a move did: the files written or deleted, and the merged files that carry conflict markers. */
    record Moved(List<String> files, List<String> merged, List<String> conflicted) {
    }

    private final RunSnapshots snapshots;

    ChangeMover(RunSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    Moved move(String from, String to, Path dir, boolean merge, String refusal) throws WorkspaceException, ChangeConflict {
        List<String> paths = new ArrayList<>();
        for (String name : snapshots.repo().bare().check("compare snapshots", "diff", "--no-renames", "--name-only", "-z", from, to)
                .text().split("\0")) {
            if (!name.isEmpty()) {
                paths.add(name);
            }
        }
        Map<String, Optional<byte[]>> before = new LinkedHashMap<>();
        Map<String, Optional<byte[]>> after = new LinkedHashMap<>();
        Map<String, Optional<byte[]>> current = new LinkedHashMap<>();
        List<String> changedSince = new ArrayList<>();
        for (String path : paths) {
            Optional<byte[]> a = snapshots.blob(from, path);
            Optional<byte[]> b = snapshots.blob(to, path);
            Optional<byte[]> now = read(dir.resolve(path));
            before.put(path, a);
            after.put(path, b);
            current.put(path, now);
            if (!same(now, a) && !same(now, b)) {
                changedSince.add(path);
            }
        }
        if (!changedSince.isEmpty() && !merge) {
            throw new ChangeConflict(refusal, changedSince);
        }
        checkWritable(dir, paths);
        List<String> written = new ArrayList<>();
        List<String> merged = new ArrayList<>();
        List<String> conflicted = new ArrayList<>();
        try {
            for (String path : paths) {
                Optional<byte[]> now = current.get(path);
                Optional<byte[]> target = after.get(path);
                if (same(now, target)) {
                    continue; // already as wanted
                }
                if (changedSince.contains(path)) {
                    MergeResult m = merge(before.get(path), now, target);
                    write(dir.resolve(path), Optional.of(m.bytes()), Optional.empty());
                    merged.add(path);
                    if (m.conflicts()) {
                        conflicted.add(path);
                    }
                } else {
                    write(dir.resolve(path), target, snapshots.mode(to, path));
                }
                written.add(path);
            }
        } catch (IOException e) {
            for (String path : written) {
                try {
                    write(dir.resolve(path), current.get(path), snapshots.mode(from, path));
                } catch (IOException ignored) {
                    // the rest is put back; this file is named in the error below
                }
            }
            throw new WorkspaceException("cannot write the workspace " + dir + " (" + e.getMessage() + "); nothing was changed");
        }
        return new Moved(written, merged, conflicted);
    }

    private static void checkWritable(Path dir, List<String> paths) throws WorkspaceException {
        for (String path : paths) {
            Path file = dir.resolve(path);
            Path existing = file.getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.isWritable(existing) || (Files.exists(file) && !Files.isWritable(file) && !Files.isWritable(file.getParent()))) {
                throw new WorkspaceException("the workspace " + dir + " is not writable (" + path + "); nothing was changed");
            }
        }
    }

    private record MergeResult(byte[] bytes, boolean conflicts) {
    }

    /** Three-way merge of one file: the later edit ({@code current}) and the move ({@code base} → {@code target}). */
    private MergeResult merge(Optional<byte[]> base, Optional<byte[]> current, Optional<byte[]> target) throws WorkspaceException, IOException {
        Path scratch = Files.createTempDirectory("dev-agent-merge");
        try {
            Path c = scratch.resolve("current");
            Path b = scratch.resolve("base");
            Path t = scratch.resolve("target");
            Files.write(c, current.orElse(new byte[0]));
            Files.write(b, base.orElse(new byte[0]));
            Files.write(t, target.orElse(new byte[0]));
            Git.Result r = Git.isolated(scratch).run("merge-file", "-p", "-L", "workspace now", "-L", "snapshot", "-L", "restored",
                    c.toString(), b.toString(), t.toString());
            if (r.exit() < 0 || r.exit() > 127) {
                throw new WorkspaceException("cannot merge: " + r.err());
            }
            return new MergeResult(r.out(), r.exit() != 0);
        } finally {
            ShadowRepo.deleteTree(scratch);
        }
    }

    private static Optional<byte[]> read(Path file) throws WorkspaceException {
        try {
            if (Files.isSymbolicLink(file)) {
                return Optional.of(Files.readSymbolicLink(file).toString().getBytes(StandardCharsets.UTF_8));
            }
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            throw new WorkspaceException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static boolean same(Optional<byte[]> a, Optional<byte[]> b) {
        return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
    }

    private static void write(Path file, Optional<byte[]> content, Optional<String> mode) throws IOException {
        if (content.isEmpty()) {
            Files.deleteIfExists(file);
            // Directories the file alone made are gone with it (snapshots hold files, not empty directories).
            Path parent = file.getParent();
            try {
                while (parent != null && Files.isDirectory(parent) && isEmpty(parent)) {
                    Files.delete(parent);
                    parent = parent.getParent();
                }
            } catch (IOException ignored) {
                // an empty directory left behind changes no file
            }
            return;
        }
        if (mode.isPresent() && mode.get().equals("120000")) {
            Files.deleteIfExists(file);
            Files.createDirectories(file.getParent());
            Files.createSymbolicLink(file, Path.of(new String(content.get(), StandardCharsets.UTF_8)));
            return;
        }
        if (Files.isSymbolicLink(file)) {
            Files.delete(file);
        }
        AtomicFiles.write(file, content.get(), true);
        if (mode.isPresent()) {
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (mode.get().equals("100755")) {
                    perms.add(PosixFilePermission.OWNER_EXECUTE);
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                } else {
                    perms.remove(PosixFilePermission.OWNER_EXECUTE);
                    perms.remove(PosixFilePermission.GROUP_EXECUTE);
                    perms.remove(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(file, perms);
            } catch (UnsupportedOperationException ignored) {
                // no POSIX modes here: the content is what counts
            }
        }
    }
}
