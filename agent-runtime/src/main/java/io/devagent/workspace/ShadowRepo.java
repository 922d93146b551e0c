package io.devagent.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bare git repository in the state directory that records a workspace's files as commits, one
 * per workspace ({@code snapshots/<key>.git}). Each run has its own index (the stat cache that makes
 * a snapshot of an unchanged tree cheap) and its own refs: {@code refs/runs/<run_id>/start} and
 * {@code refs/runs/<run_id>/step/<n>}. The workspace's own {@code .gitignore} files are honoured, and
 * so is its repository's {@code info/exclude}; its {@code .git}, index and HEAD are never touched.
 */
public final class ShadowRepo {

    private static final Map<Path, Object> INIT_LOCKS = new ConcurrentHashMap<>();
    private static final Map<String, String> IDENTITY = Map.of(
            "GIT_AUTHOR_NAME", "dev-agent", "GIT_AUTHOR_EMAIL", "dev-agent@localhost",
            "GIT_COMMITTER_NAME", "dev-agent", "GIT_COMMITTER_EMAIL", "dev-agent@localhost");

    private final Path gitDir;
    private final Path workspace;

    ShadowRepo(Path gitDir, Path workspace) {
        this.gitDir = gitDir;
        this.workspace = workspace;
    }

    /** The shadow repository of {@code workspace} under {@code snapshotsDir}, created when missing. */
    static ShadowRepo open(Path snapshotsDir, Path workspace, Path stateRoot, java.util.List<String> denied) throws WorkspaceException {
        Path gitDir = snapshotsDir.resolve(key(workspace) + ".git");
        ShadowRepo repo = new ShadowRepo(gitDir, workspace);
        repo.init(stateRoot, denied);
        return repo;
    }

    Path gitDir() {
        return gitDir;
    }

    Path workspace() {
        return workspace;
    }

    private void init(Path stateRoot, java.util.List<String> denied) throws WorkspaceException {
        synchronized (INIT_LOCKS.computeIfAbsent(gitDir, k -> new Object())) {
            if (!Files.isRegularFile(gitDir.resolve("HEAD"))) {
                try {
                    Files.createDirectories(gitDir.getParent());
                } catch (IOException e) {
                    throw new WorkspaceException("cannot create " + gitDir.getParent() + " for workspace snapshots: " + e.getMessage());
                }
                // Created beside and renamed into place: a crash never leaves a half-made repository behind.
                Path temp = gitDir.resolveSibling(gitDir.getFileName() + ".tmp-" + ProcessHandle.current().pid());
                Git.isolated(gitDir.getParent()).check("create the snapshot repository " + gitDir, "init", "--quiet", "--bare", temp.toString());
                try {
                    Files.move(temp, gitDir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    deleteTree(temp);
                    if (!Files.isRegularFile(gitDir.resolve("HEAD"))) {
                        throw new WorkspaceException("cannot create the snapshot repository " + gitDir + ": " + e.getMessage());
                    }
                }
            }
            writeExcludes(stateRoot, denied);
        }
    }

    /**
     * The user's own excludes, the state directory (when it lies inside the workspace) and the
     * policy's denied files (secrets such as {@code .env}: never copied into the state directory) are
     * left out of snapshots.
     */
    private void writeExcludes(Path stateRoot, java.util.List<String> denied) throws WorkspaceException {
        StringBuilder excludes = new StringBuilder("# written by dev-agent: what workspace snapshots leave out\n");
        Path userExclude = workspace.resolve(".git").resolve("info").resolve("exclude");
        try {
            if (Files.isRegularFile(userExclude)) {
                excludes.append(Files.readString(userExclude, StandardCharsets.UTF_8)).append('\n');
            }
        } catch (IOException ignored) {
            // unreadable: the workspace's .gitignore files still apply
        }
        for (String glob : denied) {
            excludes.append(glob).append('\n');
        }
        Path state = stateRoot.toAbsolutePath().normalize();
        if (state.startsWith(workspace) && !state.equals(workspace)) {
            excludes.append('/').append(workspace.relativize(state).toString().replace('\\', '/')).append("/\n");
        }
        Path exclude = gitDir.resolve("info").resolve("exclude");
        try {
            byte[] bytes = excludes.toString().getBytes(StandardCharsets.UTF_8);
            if (!Files.isRegularFile(exclude) || !java.util.Arrays.equals(Files.readAllBytes(exclude), bytes)) {
                io.devagent.state.AtomicFiles.write(exclude, bytes, false);
            }
        } catch (IOException e) {
            throw new WorkspaceException("cannot write " + exclude + ": " + e.getMessage());
        }
    }

    /** The index of a run: its own, so that concurrent runs never share one. */
    Path indexOf(String runId) {
        return gitDir.resolve("run-index").resolve(runId);
    }

    Git git(Path index) {
        return Git.shadow(gitDir, index, workspace);
    }

    Git bare() {
        return Git.bare(gitDir);
    }

    /**
     * Records the workspace as it is now as a commit on top of {@code parent} (or a root commit),
     * using {@code index} as the stat cache, and returns the commit's id. With {@code only}, just those
     * files are read again (the rest as the index has them): a step that wrote one file costs one file,
     * not a walk of the whole workspace.
     */
    String record(Path index, String message, Optional<String> parent, Optional<List<String>> only) throws WorkspaceException {
        try {
            Files.createDirectories(index.getParent());
        } catch (IOException e) {
            throw new WorkspaceException("cannot create " + index.getParent() + ": " + e.getMessage());
        }
        Git git = git(index);
        boolean added = false;
        if (only.isPresent() && !only.get().isEmpty()) {
            List<String> args = new ArrayList<>(List.of("add", "--all", "--"));
            only.get().forEach(path -> args.add(":(literal)" + path));
            added = git.run(args.toArray(String[]::new)).ok(); // a path git refuses (one it ignores): read the whole workspace
        }
        if (!added) {
            git.check("record the workspace " + workspace, "add", "--all", "--", ".");
        }
        String tree = git.check("record the workspace " + workspace, "write-tree").text().strip();
        if (parent.isPresent()) {
            String parentTree = bare().check("read a snapshot", "rev-parse", parent.get() + "^{tree}").text().strip();
            if (parentTree.equals(tree)) {
                return parent.get(); // nothing changed: the same snapshot
            }
        }
        String[] args = parent.map(p -> new String[] {"commit-tree", tree, "-p", p, "-m", message})
                .orElseGet(() -> new String[] {"commit-tree", tree, "-m", message});
        return git.withEnv(IDENTITY).check("record the workspace " + workspace, args).text().strip();
    }

    void setRef(String ref, String commit) throws WorkspaceException {
        bare().check("save snapshot " + ref, "update-ref", ref, commit);
    }

    Optional<String> ref(String ref) throws WorkspaceException {
        Git.Result result = bare().run("rev-parse", "--verify", "--quiet", ref + "^{commit}");
        return result.ok() ? Optional.of(result.text().strip()) : Optional.empty();
    }

    /** The workspace's key: its real path, hashed, readable at a glance by its last name. */
    static String key(Path workspace) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(workspace.toString().getBytes(StandardCharsets.UTF_8));
            String name = workspace.getFileName() == null ? "root" : workspace.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
            return (name.length() > 40 ? name.substring(0, 40) : name) + "-" + HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp directory is harmless
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
