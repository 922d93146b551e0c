package io.devagent.daemon;

import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.RunJournal;
import io.devagent.checkpoint.Snapshot;
import io.devagent.config.Environment;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.run.AgentConfig;
import io.devagent.state.RunLock;
import io.devagent.state.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which runs a starting main runtime resumes by itself: the interrupted ones (running, nobody holds
 * them) and the ones its shutdown paused, on its workspace; never a person's pause, a model's pause,
 * a run waiting for approval, a finished or cancelled run, a run another process holds, or a run of
 * another workspace. The runs are written through the journal and snapshot classes a run uses.
 */
class SelfHealingStartTest {

    @TempDir
    Path root;

    @Test
    void onlyRunsStoppedByNoOnesChoiceAreResumed() throws Exception {
        Path workspace = Files.createDirectories(root.resolve("workspace")).toRealPath();
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere")).toRealPath();
        Environment env = new Environment(Map.of("LLM_BASE_URL", "http://127.0.0.1:9/v1"));
        StateDir state = StateDir.resolve(Optional.of(root.resolve("state")), env).ensureWritable();
        AgentConfig config = new AgentConfig(state, workspace, ModelSettings.from(env), Policy::defaults, env);

        run(state, "a-crashed", Snapshot.RUNNING, null, workspace, 1);
        run(state, "b-shutdown", Snapshot.PAUSED, Snapshot.BY_SHUTDOWN, workspace, 2);
        run(state, "c-person", Snapshot.PAUSED, Snapshot.BY_PERSON, workspace, 3);
        run(state, "d-model", Snapshot.PAUSED, Snapshot.BY_MODEL, workspace, 4);
        run(state, "e-approval", Snapshot.AWAITING_APPROVAL, null, workspace, 5);
        run(state, "f-cancelled", Snapshot.CANCELLED, null, workspace, 6);
        run(state, "g-failed", Snapshot.FAILED, null, workspace, 7);
        run(state, "h-elsewhere", Snapshot.RUNNING, null, elsewhere, 8);
        run(state, "i-held", Snapshot.RUNNING, null, workspace, 9);
        run(state, "j-old-pause", Snapshot.PAUSED, null, workspace, 10); // paused before runs said by whom: left alone
        StringWriter log = new StringWriter();

        try (RunLock held = RunLock.tryAcquire(state.checkpointDir("i-held").resolve("lock")).orElseThrow()) {
            var candidates = new SelfHealingStart(config, new RuntimeLog(new PrintWriter(log, true), config), workspace).candidates();

            assertThat(candidates).extracting(SelfHealingStart.Candidate::runId).containsExactly("a-crashed", "b-shutdown");
            assertThat(candidates.get(0).why()).isEqualTo("interrupted (its process died at step 0)");
            assertThat(candidates.get(1).why()).isEqualTo("paused by the main runtime's shutdown at step 0");
        }
        assertThat(log.toString()).contains("run h-elsewhere is interrupted (its process died at step 0) but works on " + elsewhere
                + ", not " + workspace + "; left alone (resume it with: agent checkpoints resume h-elsewhere)");
        assertThat(SelfHealingStart.enabled(config)).isTrue();
        Environment off = new Environment(Map.of("AGENT_AUTO_RESUME", "false"));
        assertThat(SelfHealingStart.enabled(new AgentConfig(state, workspace, ModelSettings.from(off), Policy::defaults, off))).isFalse();
    }

    /** A run as a run leaves it: its journal (start, then its last status) and its snapshot. */
    private static void run(StateDir state, String id, String status, String by, Path workspace, int age) throws Exception {
        Checkpoints checkpoints = new Checkpoints(state);
        String at = Instant.parse("2026-12-01T00:00:00Z").plusSeconds(age).toString();
        try (RunJournal journal = new RunJournal(checkpoints.create(id))) {
            journal.start(id, "goal " + id, "m", workspace.toString(), at);
            if (!Snapshot.RUNNING.equals(status)) {
                journal.status(status, null, "stopped", by);
            }
            checkpoints.writeSnapshot(new Snapshot(id, "goal " + id, status, 0, at, at, "m", workspace.toString(), io.devagent.model.Tokens.ZERO,
                    null, null, null, null, journal.bytes(), null, by));
        }
        Files.writeString(state.checkpointDir(id).resolve("lock"), "1"); // left by a process long gone
    }
}
