package io.devagent.daemon;

import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.run.AgentConfig;
import io.devagent.view.RunLiveness;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A starting main runtime resumes, by itself, the runs of its state directory that were stopped by
 * no one's choice: those whose owner died ({@code running} with no live lock: a crash, SIGKILL, an
 * OOM kill, a node reboot) and those a runtime's own shutdown paused ({@code paused_by: shutdown}).
 * A run a person paused, one paused because no model answered, one waiting for approval and a
 * finished one are left alone, and so is a run of another workspace. {@code AGENT_AUTO_RESUME=false}
 * turns this off. Each resume is an ordinary resume (exactly-once effects, reviewer, audit chain).
 */
final class SelfHealingStart {

    /** A run to resume, and why. */
    record Candidate(String runId, String why) {
    }

    private final AgentConfig config;
    private final RuntimeLog log;
    private final Path workspace;

    SelfHealingStart(AgentConfig config, RuntimeLog log, Path workspace) {
        this.config = config;
        this.log = log;
        this.workspace = workspace;
    }

    static boolean enabled(AgentConfig config) {
        return !"false".equalsIgnoreCase(config.env().get("AGENT_AUTO_RESUME", "true").strip());
    }

    /** The runs to resume now, oldest first (they have waited longest). */
    List<Candidate> candidates() {
        RunLiveness liveness = new RunLiveness(config.state());
        List<Candidate> found = new ArrayList<>();
        List<Snapshot> runs = new ArrayList<>(new Checkpoints(config.state()).list());
        java.util.Collections.reverse(runs);
        for (Snapshot run : runs) {
            String why;
            if (Snapshot.RUNNING.equals(run.status()) && !liveness.owned(run.runId())) {
                why = "interrupted (its process died at step " + run.currentStep() + ")";
            } else if (Snapshot.PAUSED.equals(run.status()) && Snapshot.BY_SHUTDOWN.equals(run.pausedBy())) {
                why = "paused by the main runtime's shutdown at step " + run.currentStep();
            } else {
                continue;
            }
            if (!sameWorkspace(run.workspace())) {
                log.log("run " + run.runId() + " is " + why + " but works on " + run.workspace() + ", not " + workspace
                        + "; left alone (resume it with: agent checkpoints resume " + run.runId() + ")");
                continue;
            }
            found.add(new Candidate(run.runId(), why));
        }
        return found;
    }

    /** Resumes each candidate on its own virtual thread through {@code host}, as a client's resume would be. */
    void resumeAll(BiConsumer<Follower, com.fasterxml.jackson.databind.node.ObjectNode> host) {
        List<Candidate> found = candidates();
        if (found.isEmpty()) {
            return;
        }
        log.log("resuming " + found.size() + " interrupted run(s) (AGENT_AUTO_RESUME=false turns this off)");
        for (Candidate candidate : found) {
            log.log("run " + candidate.runId() + ": " + candidate.why() + "; resuming it");
            var request = Json.object().put("op", Protocol.RESUME).put("run_id", candidate.runId()).put("self_healing", true);
            Thread.ofVirtual().name("self-healing-" + candidate.runId()).start(() -> host.accept(Follower.NONE, request));
        }
    }

    private boolean sameWorkspace(String recorded) {
        if (recorded == null) {
            return true;
        }
        try {
            return Path.of(recorded).toRealPath().equals(workspace);
        } catch (IOException | InvalidPathException e) {
            return false;
        }
    }
}
