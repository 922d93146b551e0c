package io.devagent.workspace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.state.StateDir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The change a run made to its workspace: from its start snapshot to its latest one, or what one
 * step did (from the snapshot before it to its own). Whatever was in the workspace before the run,
 * the user's uncommitted edits included, is in the start snapshot and so never in the diff.
 */
public final class RunDiff {

    /** One file's change. {@code status} is {@code added}, {@code modified} or {@code deleted}. */
    public record FileChange(String path, String status, int insertions, int deletions, boolean binary, String patch) {
    }

    /** The diff, in the shape {@code agent diff --json} and {@code GET /runs/<id>/diff} give. */
    public record Report(String runId, Integer step, List<FileChange> files) {
        public int insertions() {
            return files.stream().mapToInt(FileChange::insertions).sum();
        }

        public int deletions() {
            return files.stream().mapToInt(FileChange::deletions).sum();
        }

        public ObjectNode summaryJson() {
            return Json.object().put("files", files.size()).put("insertions", insertions()).put("deletions", deletions());
        }

        public ObjectNode toJson() {
            ObjectNode node = Json.object().put("run_id", runId);
            if (step == null) {
                node.putNull("step");
            } else {
                node.put("step", step);
            }
            node.set("summary", summaryJson());
            var array = node.putArray("files");
            for (FileChange f : files) {
                array.addObject().put("path", f.path()).put("status", f.status()).put("insertions", f.insertions())
                        .put("deletions", f.deletions()).put("binary", f.binary()).put("patch", f.patch());
            }
            return node;
        }
    }

    private RunDiff() {
    }

    /**
     * The run's diff ({@code step} empty) or one step's. A run without snapshots is an error that
     * says so; a step without side effects has an empty diff.
     */
    public static Report of(StateDir state, String runId, Optional<Integer> step) throws WorkspaceException {
        RunSnapshots snapshots = RunSnapshots.of(state, runId).orElseThrow(() -> noSnapshot(runId));
        String from;
        String to;
        if (step.isPresent()) {
            int n = step.get();
            if (n < 1) {
                throw new WorkspaceException("--step must be 1 or more, not " + n);
            }
            from = snapshots.atStep(n - 1).commit();
            to = snapshots.atStep(n).commit();
        } else {
            from = snapshots.start().orElseThrow(() -> noSnapshot(runId)).commit();
            to = snapshots.latest().commit();
        }
        return new Report(runId, step.orElse(null), between(snapshots.repo().bare(), from, to));
    }

    static WorkspaceException noSnapshot(String runId) {
        return new WorkspaceException("run '" + runId + "' has no workspace snapshot (an unknown run, or one from before snapshots "
                + "were recorded); there is no diff to show");
    }

    /** The files that differ between two snapshots, with their patches. */
    static List<FileChange> between(Git git, String from, String to) throws WorkspaceException {
        if (from.equals(to)) {
            return List.of();
        }
        Map<String, String> statuses = new LinkedHashMap<>();
        String[] names = git.check("compare snapshots", "diff", "--no-renames", "--name-status", "-z", from, to).text().split("\0");
        for (int i = 0; i + 1 < names.length; i += 2) {
            statuses.put(names[i + 1], switch (names[i].charAt(0)) {
                case 'A' -> "added";
                case 'D' -> "deleted";
                default -> "modified";
            });
        }
        Map<String, int[]> counts = new LinkedHashMap<>();
        String[] numstat = git.check("compare snapshots", "diff", "--no-renames", "--numstat", "-z", from, to).text().split("\0");
        for (String entry : numstat) {
            String[] parts = entry.split("\t", 3);
            if (parts.length == 3) {
                boolean binary = parts[0].equals("-");
                counts.put(parts[2], binary ? null : new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
            }
        }
        Map<String, String> patches = patches(git.check("compare snapshots", "diff", "--no-renames", "--no-color", "--no-ext-diff",
                from, to).out(), statuses.keySet());
        List<FileChange> files = new ArrayList<>();
        for (Map.Entry<String, String> e : statuses.entrySet()) {
            int[] c = counts.get(e.getKey());
            files.add(new FileChange(e.getKey(), e.getValue(), c == null ? 0 : c[0], c == null ? 0 : c[1], c == null && counts.containsKey(e.getKey()),
                    patches.getOrDefault(e.getKey(), "")));
        }
        return files;
    }

    /** Splits a whole patch into each file's part; files come in the same (path) order as the name list. */
    private static Map<String, String> patches(byte[] whole, java.util.Collection<String> paths) {
        String text = new String(whole, StandardCharsets.UTF_8);
        List<String> parts = new ArrayList<>();
        int at = text.startsWith("diff --git ") ? 0 : text.indexOf("\ndiff --git ");
        while (at >= 0 && at < text.length()) {
            int begin = text.startsWith("diff --git ", at) ? at : at + 1;
            int next = text.indexOf("\ndiff --git ", begin);
            parts.add(next < 0 ? text.substring(begin) : text.substring(begin, next + 1));
            at = next;
        }
        Map<String, String> byPath = new LinkedHashMap<>();
        List<String> ordered = new ArrayList<>(paths);
        for (int i = 0; i < ordered.size() && i < parts.size(); i++) {
            byPath.put(ordered.get(i), parts.get(i));
        }
        return byPath;
    }
}
