package io.devagent.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.model.ChatModel;
import io.devagent.model.ModelReply;
import io.devagent.policy.Policy;
import io.devagent.tool.Hashes;
import io.devagent.tool.Workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks each step before it is committed, and the last committed step again on resume:
 * <ul>
 *   <li>the policy in force allows every tool the step ran;</li>
 *   <li>every file the run wrote still has the hash the journal recorded, so a workspace changed
 *       behind the run's back is noticed and reported to the model;</li>
 *   <li>with {@code review.model: true}, the model itself is asked to approve the step.</li>
 * </ul>
 */
public final class Reviewer {

    private final Workspace workspace;
    /** The hash each written file had when last read, with the size and time it had then. */
    private final Map<String, Seen> seen = new HashMap<>();

    private record Seen(String hash, long size, FileTime modified) {
    }

    /** One reviewer per run: it remembers what it has read of the run's files. */
    public Reviewer(Workspace workspace) {
        this.workspace = workspace;
    }

    /**
     * A written file's hash. It is read again only when the file's size or modification time has
     * changed since it was last read: a step must not cost more as the run writes more files.
     */
    private Optional<String> currentHash(String path, String expected) {
        Path file = workspace.root().resolve(path);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            seen.remove(path);
            return Optional.empty();
        }
        Seen known = seen.get(path);
        if (known != null && known.hash().equals(expected) && known.size() == attributes.size()
                && known.modified().equals(attributes.lastModifiedTime())) {
            return Optional.of(known.hash());
        }
        Optional<String> hash = Hashes.sha256(file);
        hash.ifPresentOrElse(h -> seen.put(path, new Seen(h, attributes.size(), attributes.lastModifiedTime())), () -> seen.remove(path));
        return hash;
    }

    public Verdict review(Policy policy, List<String> toolsRun, Map<String, String> writtenFiles) {
        List<String> findings = new ArrayList<>();
        for (String tool : toolsRun) {
            if (!policy.allowsTool(tool)) {
                findings.add("The tool " + tool + " ran, but the policy in force does not allow it.");
            }
        }
        for (Map.Entry<String, String> file : writtenFiles.entrySet()) {
            Optional<String> now = currentHash(file.getKey(), file.getValue());
            if (now.isEmpty()) {
                findings.add("The file " + file.getKey() + ", which this run wrote, has been deleted outside the run.");
            } else if (!now.get().equals(file.getValue())) {
                findings.add("The file " + file.getKey() + ", which this run wrote, has been changed outside the run; read it again before relying on it.");
            }
        }
        return new Verdict(findings.isEmpty(), findings, writtenFiles.size(), null);
    }

    /**
     * Asks the model to review the step just taken (one extra request, only with
     * {@code review.model: true}). A model that cannot be asked leaves the rule verdict as it is.
     */
    public Verdict askModel(Verdict rules, ChatModel model, String modelName, List<JsonNode> conversation) throws InterruptedException {
        List<JsonNode> messages = new ArrayList<>(conversation);
        messages.add(Json.object().put("role", "user").put("content",
                "Review the last step above as a strict code reviewer. Reply with APPROVE, or with REJECT: followed by the reason."));
        try {
            ModelReply reply = model.chat(modelName, messages, null);
            String text = reply.content() == null ? "" : reply.content().strip();
            if (text.toUpperCase().startsWith("REJECT")) {
                List<String> findings = new ArrayList<>(rules.findings());
                findings.add("The model reviewer rejected the step: " + text.substring("REJECT".length()).replaceFirst("^:\\s*", ""));
                return new Verdict(false, findings, rules.filesChecked(), "reject");
            }
            return new Verdict(rules.ok(), rules.findings(), rules.filesChecked(), "approve");
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return new Verdict(rules.ok(), rules.findings(), rules.filesChecked(), "unavailable: " + e.getMessage());
        }
    }
}
