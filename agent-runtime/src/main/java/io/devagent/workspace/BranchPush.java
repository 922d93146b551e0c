package io.devagent.workspace;

import io.devagent.audit.Redactor;
import io.devagent.config.Environment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hands a succeeded run's change on as a branch: commits the workspace as it is on top of its HEAD
 * and pushes that commit to {@code AGENT_GIT_PUSH_URL} as {@code refs/heads/AGENT_GIT_PUSH_BRANCH}.
 * The commit is made through a scratch index, so the workspace's own index, HEAD and branches stay as
 * they were. Its dates come from HEAD, so that a replaced pod pushing the same change again makes the
 * same commit (and the push is a no-op, not a conflict).
 *
 * <p>Credentials ({@code AGENT_GIT_PUSH_USERNAME}, {@code AGENT_GIT_PUSH_PASSWORD}, from the run's
 * Secret) go to git as an HTTP header through git's environment configuration: never on a command
 * line, in the URL, in a file, or in a message (git's answer is redacted before it is shown).
 */
public final class BranchPush {

    /** What was pushed. */
    public record Pushed(String branch, String commit, int files, int insertions, int deletions) {
    }

    private BranchPush() {
    }

    /** Pushes when the environment asks for it ({@code AGENT_GIT_PUSH_BRANCH}), else does nothing. */
    public static Optional<Pushed> ifAsked(Environment env, Path workspace, String runId, String goal, Redactor redactor)
            throws WorkspaceException {
        Optional<String> branch = env.get("AGENT_GIT_PUSH_BRANCH").filter(b -> !b.isBlank());
        if (branch.isEmpty()) {
            return Optional.empty();
        }
        String url = env.get("AGENT_GIT_PUSH_URL").filter(u -> !u.isBlank()).orElseThrow(() ->
                new WorkspaceException("AGENT_GIT_PUSH_BRANCH is set but AGENT_GIT_PUSH_URL (where to push) is not"));
        Optional<String> user = env.get("AGENT_GIT_PUSH_USERNAME");
        Optional<String> password = env.get("AGENT_GIT_PUSH_PASSWORD");
        Redactor masked = redactor.withSecrets(password.map(List::of).orElse(List.of()));
        try {
            return Optional.of(push(workspace, url, branch.get(), "dev-agent run " + runId + ": " + firstLine(masked.redact(goal)),
                    user.orElse(""), password, masked));
        } catch (WorkspaceException e) {
            throw new WorkspaceException(masked.redact(e.getMessage()));
        }
    }

    private static Pushed push(Path workspace, String url, String branch, String message, String user, Optional<String> password,
                               Redactor masked) throws WorkspaceException {
        if (!Files.exists(workspace.resolve(".git"))) {
            throw new WorkspaceException("cannot push: the workspace " + workspace + " is not a git repository");
        }
        Git repo = Git.user(workspace);
        String head = repo.check("read the workspace's HEAD", "rev-parse", "--verify", "HEAD^{commit}").text().strip();
        String date = repo.check("read the workspace's HEAD", "log", "-1", "--format=%ct", "HEAD").text().strip();
        Path scratch;
        try {
            scratch = Files.createTempFile("dev-agent-push", ".index");
            Files.delete(scratch); // git makes the index itself
        } catch (IOException e) {
            throw new WorkspaceException("cannot make a scratch index: " + e.getMessage());
        }
        try {
            Git indexed = repo.withEnv(Map.of("GIT_INDEX_FILE", scratch.toString()));
            indexed.check("commit the run's change", "read-tree", head);
            indexed.check("commit the run's change", "add", "--all", "--", ".");
            String tree = indexed.check("commit the run's change", "write-tree").text().strip();
            String parentTree = repo.check("commit the run's change", "rev-parse", head + "^{tree}").text().strip();
            String commit = head;
            if (!tree.equals(parentTree)) {
                String stamp = (Long.parseLong(date) + 1) + " +0000";
                commit = indexed.withEnv(Map.of("GIT_AUTHOR_NAME", "dev-agent", "GIT_AUTHOR_EMAIL", "dev-agent@localhost",
                                "GIT_COMMITTER_NAME", "dev-agent", "GIT_COMMITTER_EMAIL", "dev-agent@localhost",
                                "GIT_AUTHOR_DATE", stamp, "GIT_COMMITTER_DATE", stamp))
                        .check("commit the run's change", "commit-tree", tree, "-p", head, "-m", message).text().strip();
            }
            int[] counts = counts(repo, head, commit);
            Map<String, String> auth = new HashMap<>();
            if (password.isPresent()) {
                String basic = Base64.getEncoder().encodeToString((user + ":" + password.get()).getBytes(StandardCharsets.UTF_8));
                auth.put("GIT_CONFIG_COUNT", "1");
                auth.put("GIT_CONFIG_KEY_0", "http.extraHeader");
                auth.put("GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic);
            }
            Git.Result pushed = repo.withEnv(auth).run("push", "--porcelain", "--", url, commit + ":refs/heads/" + branch);
            if (!pushed.ok()) {
                throw new WorkspaceException("the push of branch " + branch + " to " + url + " was refused: "
                        + masked.redact(reason(pushed)));
            }
            return new Pushed(branch, commit, counts[0], counts[1], counts[2]);
        } finally {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // a scratch index in the temp directory is harmless
            }
        }
    }

    /** Files, insertions and deletions between two commits. */
    private static int[] counts(Git repo, String from, String to) throws WorkspaceException {
        int[] counts = new int[3];
        for (String entry : repo.check("summarise the change", "diff", "--no-renames", "--numstat", "-z", from, to).text().split("\0")) {
            String[] parts = entry.split("\t", 3);
            if (parts.length == 3) {
                counts[0]++;
                if (!parts[0].equals("-")) {
                    counts[1] += Integer.parseInt(parts[0]);
                    counts[2] += Integer.parseInt(parts[1]);
                }
            }
        }
        return counts;
    }

    private static String reason(Git.Result result) {
        String text = (result.err() + "\n" + result.text()).strip();
        for (String line : text.split("\n")) {
            if (line.startsWith("!") || line.startsWith("fatal:") || line.startsWith("error:") || line.contains("rejected")) {
                return line.strip();
            }
        }
        return text.isEmpty() ? "exit " + result.exit() : Git.firstLine(text);
    }

    private static String firstLine(String text) {
        String line = Git.firstLine(text.strip());
        return line.length() > 72 ? line.substring(0, 72) + "…" : line;
    }
}
