package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.audit.Redactor;
import io.devagent.checkpoint.ParallelSync;
import io.devagent.checkpoint.RunJournal;
import io.devagent.model.Tokens;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The run's journal as the loop writes it: every entry redacted, and the crash-test points
 * ({@link CrashPoints}) around each write, so that the loop itself reads without them.
 */
final class StepJournal {

    private final RunJournal journal;
    private final Redactor redactor;
    private final CrashPoints crash;

    StepJournal(RunJournal journal, Redactor redactor, CrashPoints crash) {
        this.journal = journal;
        this.redactor = redactor;
        this.crash = crash;
    }

    void reply(int step, JsonNode message, Tokens usage, boolean textConvention, long promptBytes) throws IOException {
        crash.at("after_model_reply");
        journal.reply(step, redactor.redact(message), usage, textConvention, promptBytes);
        crash.at("after_reply_journaled");
    }

    void intent(int step, int call, String name, JsonNode effect) throws IOException {
        journal.intent(step, call, name, effect);
        crash.at("after_intent");
    }

    void outcome(int step, int call, String output, boolean error) throws IOException {
        crash.at("after_tool_executed");
        journal.outcome(step, call, redactor.redact(output), error);
        crash.at("after_outcome");
    }

    /** A settled call's outcome (resume): no crash points, it is not a new execution. */
    void settled(int step, int call, String output, boolean error) throws IOException {
        journal.outcome(step, call, redactor.redact(output), error);
    }

    void step(int step, List<? extends JsonNode> messages, Tokens usage, String plan, JsonNode review, Map<String, String> files,
              String answer, ParallelSync.Sync alongside) throws IOException {
        List<JsonNode> persisted = messages.stream().map(redactor::redact).toList();
        if (crash.due("torn_step")) {
            journal.tornStepForCrashTest(step, persisted, usage);
            crash.crash();
        }
        if (answer != null) {
            journal.finalStep(step, persisted, usage, redactor.redact(plan), redactor.redact(answer), alongside);
        } else {
            journal.step(step, persisted, usage, redactor.redact(plan), review, files, alongside);
        }
        crash.at("after_step_commit");
    }

    void afterSnapshot() {
        crash.at("after_snapshot");
    }

    void compaction(ObjectNode compaction) throws IOException {
        journal.compaction(compaction);
        crash.at("after_compaction");
    }

    void budget(int window, String source, int replyReserve) throws IOException {
        journal.budget(window, source, replyReserve);
    }

    void toolMode(String mode) throws IOException {
        journal.toolMode(mode);
    }

    void status(String status, String answer, String message) throws IOException {
        status(status, answer, message, null);
    }

    /** With {@code by}: who paused the run, which decides whether a restart of the main runtime resumes it. */
    void status(String status, String answer, String message, String by) throws IOException {
        journal.status(status, redactor.redact(answer), redactor.redact(message), by);
    }

    long bytes() {
        return journal.bytes();
    }
}
