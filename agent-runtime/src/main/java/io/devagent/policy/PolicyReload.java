package io.devagent.policy;

import io.devagent.state.FileChanges;
import io.devagent.state.PidFile;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Asks the main runtime of a state directory to reload its policy: SIGHUP to the pid in
 * {@code agent.pid}, then the runtime's answer from {@code policies/status.json}. Used by
 * {@code agent policies reload} and the dashboard's {@code POST /policies/reload}.
 */
public final class PolicyReload {

    /** What came of the request: no runtime alive, no answer in time, or the runtime's result. */
    public record Outcome(Kind kind, long pid, ReloadResult result, String message, String versionBefore) {
        public Outcome(Kind kind, long pid, ReloadResult result, String message) {
            this(kind, pid, result, message, null);
        }

        /** Whether the version in force is the one in force when the request was made: only then is it "unchanged". */
        public boolean unchanged() {
            return result != null && result.ok() && result.version().equals(versionBefore)
                    && (result.previousVersion() == null || result.previousVersion().equals(result.version()));
        }

        public enum Kind { NO_RUNTIME, SIGNAL_FAILED, NO_ANSWER, ANSWERED }
    }

    private PolicyReload() {
    }

    public static Outcome request(StateDir state, Duration wait) throws InterruptedException {
        Optional<PidFile.Owner> owner = PidFile.live(state.pidFile());
        if (owner.isEmpty()) {
            return new Outcome(Outcome.Kind.NO_RUNTIME, 0, null, "no main runtime is running for " + state.root()
                    + " (no live pid in " + state.pidFile() + "); start one with 'agent run'");
        }
        long pid = owner.get().pid();
        Optional<ReloadResult> last = PolicyHolder.status(state.policyStatus());
        long before = last.map(ReloadResult::seq).orElse(0L);
        String versionBefore = last.map(ReloadResult::version).orElse(null);
        Path statusDir = state.policyStatus().getParent();
        // Watched before the signal goes out: the runtime's answer is a new status file, and it may come at once.
        try (FileChanges changes = FileChanges.in(Files.createDirectories(statusDir))) {
            try {
                SignalSender.hangup(pid);
            } catch (IOException e) {
                return new Outcome(Outcome.Kind.SIGNAL_FAILED, pid, null, "cannot signal the main runtime (pid " + pid + "): " + e.getMessage());
            }
            AtomicReference<ReloadResult> answer = new AtomicReference<>();
            boolean answered = changes.awaitUntil(System.nanoTime() + wait.toNanos(), () -> {
                // The answer to this signal, not a reload the file watcher made meanwhile.
                PolicyHolder.status(state.policyStatus()).filter(status -> status.seq() > before && "SIGHUP".equals(status.trigger()))
                        .ifPresent(answer::set);
                return answer.get() != null;
            });
            if (answered) {
                return new Outcome(Outcome.Kind.ANSWERED, pid, answer.get(), null, versionBefore);
            }
        } catch (IOException e) {
            return new Outcome(Outcome.Kind.NO_ANSWER, pid, null, "cannot watch " + statusDir + " for the runtime's answer: " + e.getMessage());
        }
        return new Outcome(Outcome.Kind.NO_ANSWER, pid, null, "sent SIGHUP to the main runtime (pid " + pid
                + ") but it reported nothing within " + wait.toSeconds() + " s");
    }
}
