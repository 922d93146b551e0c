package io.devagent.workspace;

import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps the runs of one process from writing the same working tree at once. The first run in a
 * workspace works in it; a run that starts while another is writing it gets, in a git repository,
 * a worktree of its own ({@code <state>/worktrees/<run_id>} on branch {@code dev-agent/<run_id>},
 * from HEAD), whose change {@code agent apply} brings back; elsewhere it waits its turn.
 */
public final class Isolation {

    /** Workspace → the run writing it directly. */
    private static final Map<Path, String> WRITERS = new HashMap<>();

    /** Where a run works, held until {@link #close}. */
    public static final class Lease implements AutoCloseable {
        private final Path workspace;
        private final Path held;
        private final String waitFor;
        private final String runId;
        private final boolean isolated;

        private Lease(String runId, Path workspace, Path held, String waitFor, boolean isolated) {
            this.runId = runId;
            this.workspace = workspace;
            this.held = held;
            this.waitFor = waitFor;
            this.isolated = isolated;
        }

        /** The directory the run works in. */
        public Path workspace() {
            return workspace;
        }

        /** Whether the run has a worktree of its own. */
        public boolean isolated() {
            return isolated;
        }

        /** A sentence for the user when the run must wait, else empty. */
        public Optional<String> waiting() {
            return waitFor == null ? Optional.empty()
                    : Optional.of("waiting: run " + waitFor + " is writing " + workspace + "; this run starts when it is done");
        }

        /** Waits until the workspace is free to write (at once unless {@link #waiting} says otherwise). */
        public void await() throws InterruptedException {
            if (held == null) {
                return;
            }
            synchronized (WRITERS) {
                while (WRITERS.containsKey(held) && !runId.equals(WRITERS.get(held))) {
                    WRITERS.wait();
                }
                WRITERS.put(held, runId);
            }
        }

        @Override
        public void close() {
            if (held == null) {
                return;
            }
            synchronized (WRITERS) {
                if (runId.equals(WRITERS.get(held))) {
                    WRITERS.remove(held);
                    WRITERS.notifyAll();
                }
            }
        }
    }

    private Isolation() {
    }

    /**
     * Where run {@code runId} is to work. A resumed run goes back to its own worktree; a new run
     * works in {@code workspace} unless another run of this process is writing it.
     */
    public static Lease claim(StateDir state, String runId, Path workspace, Optional<Path> recorded, Consumer<String> say)
            throws WorkspaceException {
        Path worktree = worktreeDir(state, runId);
        if (recorded.isPresent() && recorded.get().equals(worktree) && Files.isDirectory(worktree)) {
            return new Lease(runId, worktree, null, null, true);
        }
        synchronized (WRITERS) {
            String writer = WRITERS.get(workspace);
            if (writer == null || writer.equals(runId)) {
                WRITERS.put(workspace, runId);
                return new Lease(runId, workspace, workspace, null, false);
            }
            if (isGitRepository(workspace)) {
                try {
                    Path created = addWorktree(state, runId, workspace);
                    say.accept("run " + writer + " is writing " + workspace + "; this run works in its own worktree " + created
                            + " on branch dev-agent/" + runId + " (bring its change back with: agent apply " + runId + ")");
                    return new Lease(runId, created, null, null, true);
                } catch (WorkspaceException e) {
                    say.accept("cannot give this run a worktree of its own (" + e.getMessage() + ")");
                }
            }
            return new Lease(runId, workspace, workspace, writer, false);
        }
    }

    static Path worktreeDir(StateDir state, String runId) {
        return state.root().resolve("worktrees").resolve(runId).toAbsolutePath().normalize();
    }

    private static boolean isGitRepository(Path workspace) {
        return Files.exists(workspace.resolve(".git"));
    }

    private static Path addWorktree(StateDir state, String runId, Path workspace) throws WorkspaceException {
        Path dir = worktreeDir(state, runId);
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new WorkspaceException("cannot create " + dir.getParent() + ": " + e.getMessage());
        }
        Git.user(workspace).check("add a worktree for run " + runId, "worktree", "add", "--quiet", "-b", "dev-agent/" + runId,
                dir.toString(), "HEAD");
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new WorkspaceException("cannot open the worktree " + dir + ": " + e.getMessage());
        }
    }

    /** For a worktree made by {@link #claim}: the working tree of the repository it belongs to. */
    static Optional<Path> mainWorkspaceOf(Path worktree) {
        Path gitFile = worktree.resolve(".git");
        if (!Files.isRegularFile(gitFile)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(gitFile, StandardCharsets.UTF_8).strip();
            if (!text.startsWith("gitdir:")) {
                return Optional.empty();
            }
            Path gitDir = worktree.resolve(text.substring("gitdir:".length()).strip()).normalize();
            Path common = gitDir.resolve("commondir");
            Path commonDir = Files.isRegularFile(common)
                    ? gitDir.resolve(Files.readString(common, StandardCharsets.UTF_8).strip()).normalize() : gitDir;
            return commonDir.getFileName().toString().equals(".git") ? Optional.of(commonDir.getParent()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
