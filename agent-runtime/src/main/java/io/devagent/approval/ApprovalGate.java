package io.devagent.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.AuditLog;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.RunJournal;
import io.devagent.model.ToolCall;
import io.devagent.policy.Policy;
import io.devagent.tool.ToolResult;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The policy's {@code approve} in a run: before a call whose tool matches, a person's answer is
 * needed. An answer already journaled decides (a resumed step never asks twice); else the request is
 * journaled and audited, then the {@link Approver} is asked; with no answer to be had here,
 * {@link AwaitingApproval} stops the step so that the run checkpoints itself as waiting.
 * <p>
 * An approved call then runs through the run's usual exactly-once path (intent, effect, outcome);
 * a denied one answers the model with an error carrying the reason.
 */
public final class ApprovalGate {

    private final RunJournal journal;
    private final AuditLog audit;
    private final Redactor redactor;
    private final Approver approver;
    private final Path workspace;
    private final List<ApprovalRequest> requests;
    private final List<ApprovalAnswer> answers;

    public ApprovalGate(RunJournal journal, AuditLog audit, Redactor redactor, Approver approver, Path workspace,
                        ApprovalRecords recorded) {
        this.journal = journal;
        this.audit = audit;
        this.redactor = redactor;
        this.approver = approver;
        this.workspace = workspace;
        this.requests = new ArrayList<>(recorded.requests());
        this.answers = new ArrayList<>(recorded.answers());
    }

    /**
     * Empty: the call may run. Present: the refusal the model gets. Throws {@link AwaitingApproval}
     * when the call must wait for an answer given elsewhere.
     */
    public Optional<ToolResult> check(int step, int index, ToolCall call, Policy policy) throws IOException {
        if (!policy.needsApproval(call.name())) {
            return Optional.empty();
        }
        ApprovalRecords known = new ApprovalRecords(requests, answers);
        Optional<ApprovalAnswer> answered = known.answer(step, index);
        if (answered.isEmpty()) {
            ApprovalRequest request = known.request(step, index).orElse(null);
            if (request == null) {
                request = new ApprovalRequest(step, index, call.id(), call.name(), redactor.redact(call.arguments()),
                        redactor.redact(CallPreview.of(call.name(), call.arguments(), workspace)), Instant.now().toString());
                journal.approval(request.toJson());
                requests.add(request);
                audit.append("approval_requested", request.toJson().put("policy", policy.version()));
                audit.sync();
            }
            Optional<Approver.Verdict> verdict = approver.ask(request);
            if (verdict.isEmpty()) {
                throw new AwaitingApproval(request);
            }
            ApprovalAnswer answer = new ApprovalAnswer(step, index, verdict.get().approved(), verdict.get().reason(),
                    verdict.get().by(), Instant.now().toString());
            record(journal, audit, request, answer);
            answers.add(answer);
            answered = Optional.of(answer);
        }
        return answered.get().approved() ? Optional.empty() : Optional.of(ToolResult.failed(answered.get().refusal(call.name())));
    }

    /** Journals an answer (durable first) and audits who gave it. */
    public static void record(RunJournal journal, AuditLog audit, ApprovalRequest request, ApprovalAnswer answer) throws IOException {
        journal.approvalAnswer(answer.toJson());
        ObjectNode event = answer.toJson().put("id", request.id()).put("name", request.name());
        audit.append("approval_answered", event);
        audit.sync();
    }
}
