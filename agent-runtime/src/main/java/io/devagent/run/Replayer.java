package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.checkpoint.CheckpointException;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.model.Tokens;
import io.devagent.metrics.Metrics;
import io.devagent.model.ContextWindow;
import io.devagent.model.ModelUnavailableException;
import io.devagent.policy.Policy;
import io.devagent.tool.ToolRegistry;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-runs a recorded run from the model replies in its journal, with no model reachable, and finds
 * the first step where the tools' results differ from the recorded ones. The replay is a run of its
 * own (its own id, checkpoints and audit log) in a scratch workspace, so the real one is untouched.
 */
public final class Replayer {

    /** Where the replay first disagreed with the recording. */
    public record Difference(int step, int call, String recorded, String replayed) {
    }

    public record Report(String originalRunId, String replayRunId, Path workspace, int recordedSteps,
                         Optional<Difference> firstDifference, RunResult result) {
    }

    private Replayer() {
    }

    public static Report replay(AgentConfig config, String runId, Path scratch, RunListener listener)
            throws RunException, InterruptedException {
        Checkpoints checkpoints = new Checkpoints(config.state());
        List<JsonNode> entries;
        RunJournal.Recovered recorded;
        try {
            entries = checkpoints.entries(runId);
            recorded = RunJournal.recover(entries);
        } catch (CheckpointException e) {
            throw new RunException(e.getMessage());
        }
        if (recorded.currentStep() == 0) {
            throw new RunException("run " + runId + " has no committed step to replay");
        }
        List<ReplayModel.RecordedStep> steps = new ArrayList<>();
        List<String> summaries = new ArrayList<>();
        int summarizedThrough = 0;
        for (JsonNode entry : entries) {
            // A compaction with placeholders only carries the earlier summary on; only one that summarizes further asked for one.
            if (entry.path("type").asText().equals("compaction") && entry.hasNonNull("summary")
                    && entry.path("summarized_through").asInt() > summarizedThrough) {
                summaries.add(entry.get("summary").asText());
                summarizedThrough = entry.path("summarized_through").asInt();
            }
            if (entry.path("type").asText().equals("step")) {
                JsonNode assistant = null;
                String unreadable = null;
                for (JsonNode message : entry.path("messages")) {
                    if (message.path("role").asText().equals("assistant")) {
                        assistant = message;
                    } else if (message.path("content").asText().startsWith("error: your last reply could not be read (")) {
                        String text = message.path("content").asText();
                        unreadable = text.substring("error: your last reply could not be read (".length(), text.lastIndexOf(')'));
                    }
                }
                JsonNode u = entry.path("usage");
                steps.add(new ReplayModel.RecordedStep(assistant, new Tokens(u.path("prompt").asLong(), u.path("completion").asLong(),
                        u.path("total").asLong()), unreadable == null ? "unreadable reply" : unreadable));
            }
        }
        Policy original = config.policy().get();
        // The recording holds no reviewer's requests, so the replay asks none.
        Policy policy = new Policy(original.network(), original.tools(), original.files(), original.shell(),
                new Policy.Limits(Math.max(original.limits().maxSteps(), steps.size()), Long.MAX_VALUE, original.limits().maxToolOutputBytes()),
                new Policy.Review(false), original.redact());
        AgentConfig replayConfig = new AgentConfig(config.state(), scratch, config.model(), () -> policy, config.env());
        Optional<ContextWindow> window = Optional.ofNullable(recorded.budget())
                .map(b -> new ContextWindow(b.path("window").asInt(), b.path("source").asText()));
        ReplayModel model = new ReplayModel(steps, config.model(), recorded.model() == null ? "replay" : recorded.model(), window,
                summaries);
        String replayId = "replay-" + RunIds.next();
        RunResult result;
        try {
            result = new Agent(replayConfig, model, new ToolRegistry(ToolRegistry.builtIns()), new Metrics())
                    .start("replay of " + runId + ": " + recorded.goal(), Optional.of(replayId), new RunControl(), listener);
        } catch (ModelUnavailableException e) {
            throw new RunException(e.getMessage());
        }
        List<List<JsonNode>> replayed;
        try {
            replayed = RunJournal.recover(checkpoints.entries(replayId)).steps();
        } catch (CheckpointException e) {
            throw new RunException(e.getMessage());
        }
        return new Report(runId, replayId, scratch, steps.size(), firstDifference(recorded.steps(), replayed), result);
    }

    private static Optional<Difference> firstDifference(List<List<JsonNode>> recorded, List<List<JsonNode>> replayed) {
        for (int s = 0; s < recorded.size(); s++) {
            List<String> before = toolResults(recorded.get(s));
            List<String> after = s < replayed.size() ? toolResults(replayed.get(s)) : List.of();
            for (int c = 0; c < Math.max(before.size(), after.size()); c++) {
                String a = c < before.size() ? before.get(c) : "(no result)";
                String b = c < after.size() ? after.get(c) : "(no result)";
                if (!a.equals(b)) {
                    return Optional.of(new Difference(s + 1, c + 1, a, b));
                }
            }
        }
        return Optional.empty();
    }

    /** The tool results of a step: tool messages, or the user message that carries text-convention results. */
    private static List<String> toolResults(List<JsonNode> messages) {
        List<String> results = new ArrayList<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            String content = message.path("content").asText();
            if (role.equals("tool") || role.equals("user") && content.startsWith("<tool_result")) {
                results.add(content);
            }
        }
        return results;
    }

    /** Copies a workspace into a scratch directory for a replay, leaving out {@code .git}. */
    public static void copyWorkspace(Path from, Path to) throws IOException {
        Path source = from.toRealPath();
        Files.createDirectories(to);
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(source)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(source.relativize(file).toString());
                if (Files.isSymbolicLink(file)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
