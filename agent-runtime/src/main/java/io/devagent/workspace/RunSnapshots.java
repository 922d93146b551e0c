package io.devagent.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.state.AtomicFiles;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The snapshots of one run: where its shadow repository is ({@code snapshots/runs/<run_id>.json},
 * written once when the run starts), its start, and the snapshot after each step that had side
 * effects. Readers (diff, revert, apply, the dashboard) and the run's recorder share it.
 */
public final class RunSnapshots {

    /** A snapshot: the step it follows (0: the run's start) and its commit in the shadow repository. */
    public record Point(int step, String commit) {
    }

    /** Ids safe as file and ref names; the run package validates ids properly, this only guards the paths read here. */
    private static final java.util.regex.Pattern SAFE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    private final String runId;
    private final ShadowRepo repo;

    private RunSnapshots(String runId, ShadowRepo repo) {
        this.runId = runId;
        this.repo = repo;
    }

    static Path snapshotsDir(StateDir state) {
        return state.root().resolve("snapshots");
    }

    private static Path recordFile(StateDir state, String runId) {
        return snapshotsDir(state).resolve("runs").resolve(runId + ".json");
    }

    /** The snapshots of a run that is starting or resuming in {@code workspace}; the record is written once. */
    static RunSnapshots create(StateDir state, String runId, Path workspace, List<String> denied) throws WorkspaceException {
        ShadowRepo repo = ShadowRepo.open(snapshotsDir(state), workspace, state.root(), denied);
        Path record = recordFile(state, runId);
        if (!Files.isRegularFile(record)) {
            var node = Json.object().put("run_id", runId).put("workspace", workspace.toString())
                    .put("git_dir", repo.gitDir().toString());
            try {
                AtomicFiles.write(record, Json.write(node).getBytes(StandardCharsets.UTF_8), true);
            } catch (IOException e) {
                throw new WorkspaceException("cannot write " + record + ": " + e.getMessage());
            }
        }
        return new RunSnapshots(runId, repo);
    }

    /** The snapshots of an existing run, or empty when it has none (a run from before snapshots, or an unknown id). */
    public static Optional<RunSnapshots> of(StateDir state, String runId) throws WorkspaceException {
        if (runId == null || !SAFE_ID.matcher(runId).matches()) {
            return Optional.empty();
        }
        Path record = recordFile(state, runId);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(Files.readString(record, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new WorkspaceException("cannot read " + record + ": " + e.getMessage());
        }
        Path gitDir = Path.of(node.path("git_dir").asText());
        if (!Files.isRegularFile(gitDir.resolve("HEAD"))) {
            return Optional.empty();
        }
        RunSnapshots snapshots = new RunSnapshots(runId, new ShadowRepo(gitDir, Path.of(node.path("workspace").asText())));
        return snapshots.start().isPresent() ? Optional.of(snapshots) : Optional.empty();
    }

    public String runId() {
        return runId;
    }

    /** The directory the run worked in. */
    public Path workspace() {
        return repo.workspace();
    }

    ShadowRepo repo() {
        return repo;
    }

    static String startRef(String runId) {
        return "refs/runs/" + runId + "/start";
    }

    static String stepRef(String runId, int step) {
        return "refs/runs/" + runId + "/step/" + step;
    }

    public Optional<Point> start() throws WorkspaceException {
        return repo.ref(startRef(runId)).map(c -> new Point(0, c));
    }

    /** Every snapshot in step order, the start first. */
    public List<Point> points() throws WorkspaceException {
        List<Point> points = new ArrayList<>();
        start().ifPresent(points::add);
        String out = repo.bare().check("list the snapshots of run " + runId, "for-each-ref",
                "--format=%(refname) %(objectname)", "refs/runs/" + runId + "/step/").text();
        List<Point> steps = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            String name = parts[0].substring(parts[0].lastIndexOf('/') + 1);
            steps.add(new Point(Integer.parseInt(name), parts[1]));
        }
        steps.sort(java.util.Comparator.comparingInt(Point::step));
        points.addAll(steps);
        return points;
    }

    /** The latest snapshot: the workspace as the run left it (so far). */
    public Point latest() throws WorkspaceException {
        List<Point> points = points();
        if (points.isEmpty()) {
            throw new WorkspaceException("run " + runId + " has no workspace snapshot");
        }
        return points.get(points.size() - 1);
    }

    /** The snapshot in force after {@code step}: the last one taken at or before it. */
    public Point atStep(int step) throws WorkspaceException {
        Point found = null;
        for (Point p : points()) {
            if (p.step() <= step) {
                found = p;
            }
        }
        if (found == null) {
            throw new WorkspaceException("run " + runId + " has no workspace snapshot");
        }
        return found;
    }

    /** A file's bytes in a snapshot, or empty when it is not there. */
    Optional<byte[]> blob(String commit, String path) throws WorkspaceException {
        Git.Result result = repo.bare().run("cat-file", "blob", commit + ":" + path);
        return result.ok() ? Optional.of(result.out()) : Optional.empty();
    }

    /** A file's mode in a snapshot ({@code 100755} for executables), or empty when it is not there. */
    Optional<String> mode(String commit, String path) throws WorkspaceException {
        String out = repo.bare().check("read snapshot " + commit, "ls-tree", "-z", commit, "--", path).text();
        if (out.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(out.substring(0, out.indexOf(' ')));
    }

    /**
     * The workspace as it is now, recorded without touching the run's refs or index (a copy of the
     * run's index serves as the stat cache).
     */
    String now() throws WorkspaceException {
        Path index = repo.indexOf(runId);
        Path temp = index.resolveSibling(runId + ".now-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
        try {
            if (Files.isRegularFile(index)) {
                Files.copy(index, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return repo.record(temp, "workspace now", Optional.empty(), Optional.empty());
        } catch (IOException e) {
            throw new WorkspaceException("cannot record the workspace: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover scratch index is harmless
            }
        }
    }
}
