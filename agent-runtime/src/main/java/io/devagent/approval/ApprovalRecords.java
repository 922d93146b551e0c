package io.devagent.approval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The approval requests and answers of a run, as its journal tells them ({@code approval} and
 * {@code approval_answer} entries). A request with no answer after it is the one the run waits on.
 */
public record ApprovalRecords(List<ApprovalRequest> requests, List<ApprovalAnswer> answers) {

    public static final ApprovalRecords NONE = new ApprovalRecords(List.of(), List.of());

    public ApprovalRecords {
        requests = List.copyOf(requests);
        answers = List.copyOf(answers);
    }

    public static ApprovalRecords from(List<JsonNode> entries) {
        List<ApprovalRequest> requests = new ArrayList<>();
        List<ApprovalAnswer> answers = new ArrayList<>();
        for (JsonNode entry : entries) {
            switch (entry.path("type").asText()) {
                case "approval" -> requests.add(ApprovalRequest.from(entry));
                case "approval_answer" -> answers.add(ApprovalAnswer.from(entry));
                default -> {
                    // other entries are the run's, not approvals
                }
            }
        }
        return new ApprovalRecords(requests, answers);
    }

    public Optional<ApprovalRequest> request(int step, int call) {
        return requests.stream().filter(r -> r.sameCall(step, call)).reduce((a, b) -> b);
    }

    public Optional<ApprovalAnswer> answer(int step, int call) {
        return answers.stream().filter(a -> a.step() == step && a.call() == call).reduce((a, b) -> b);
    }

    /** The request still waiting for an answer: the last one, when no answer follows it. */
    public Optional<ApprovalRequest> waiting() {
        if (requests.isEmpty()) {
            return Optional.empty();
        }
        ApprovalRequest last = requests.getLast();
        return answer(last.step(), last.call()).isPresent() ? Optional.empty() : Optional.of(last);
    }
}
