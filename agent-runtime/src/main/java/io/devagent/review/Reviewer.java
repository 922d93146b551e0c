package io.devagent.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.model.ChatModel;
import io.devagent.model.ModelReply;
import io.devagent.policy.Policy;
import io.devagent.tool.Hashes;
import io.devagent.tool.Workspace;

import java.util.ArrayList;
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

    public Reviewer(Workspace workspace) {
        this.workspace = workspace;
    }

    public Verdict review(Policy policy, List<String> toolsRun, Map<String, String> writtenFiles) {
        List<String> findings = new ArrayList<>();
        for (String tool : toolsRun) {
            if (!policy.allowsTool(tool)) {
                findings.add("The tool " + tool + " ran, but the policy in force does not allow it.");
            }
        }
        for (Map.Entry<String, String> file : writtenFiles.entrySet()) {
            Optional<String> now = Hashes.sha256(workspace.root().resolve(file.getKey()));
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
