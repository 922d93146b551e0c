package io.devagent.daemon;

import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunException;
import io.devagent.run.RunIds;
import io.devagent.run.StoppedRun;
import io.devagent.state.ControlRequest;
import io.devagent.state.PidFile;
import io.devagent.view.RunLiveness;
import io.devagent.state.RunLock;

import java.io.IOException;
import java.util.Optional;

/**
 * Pauses or cancels one run, wherever it is: through the main runtime when it runs it; else
 * through the run's own process (a {@link ControlRequest} then SIGTERM, which that process's signal
 * handler reads); else, when nothing runs it, on its checkpoint ({@link StoppedRun}). Used by
 * {@code agent checkpoints pause}, {@code agent cancel} and the dashboard.
 */
public final class RunSteering {

    /** How the run was reached, and its status afterwards. */
    public record Outcome(String runId, String status, String via) {
    }

    /** How long the run's own process may take to save itself after SIGTERM. */
    private static final long OWN_PROCESS_GRACE_MILLIS = 120_000;

    private final AgentConfig config;
    private final Checkpoints checkpoints;

    public RunSteering(AgentConfig config) {
        this.config = config;
        this.checkpoints = new Checkpoints(config.state());
    }

    /**
     * For readers that have only a state directory (the dashboard): the policy file gives the redaction
     * patterns; a file that does not load leaves the defaults' (the secrets of the environment stay masked).
     */
    public static RunSteering forState(io.devagent.state.StateDir state) {
        io.devagent.config.Environment env = state.env();
        java.util.function.Supplier<io.devagent.policy.Policy> policy;
        try {
            policy = io.devagent.policy.PolicyHolder.load(state.policyFile(), env);
        } catch (io.devagent.policy.PolicyException | RuntimeException e) {
            policy = io.devagent.policy.Policy::defaults;
        }
        return new RunSteering(new AgentConfig(state, state.root(), io.devagent.model.ModelSettings.from(env), policy, env));
    }

    public Outcome pause(String runId, String reason) throws RunException {
        return steer(runId, false, reason == null || reason.isBlank() ? "paused by a person" : reason);
    }

    public Outcome cancel(String runId, String reason) throws RunException {
        return steer(runId, true, reason == null || reason.isBlank() ? "cancelled by a person" : reason);
    }

    private Outcome steer(String runId, boolean cancel, String reason) throws RunException {
        if (runId == null || !RunIds.valid(runId) || !checkpoints.exists(runId)) {
            throw new RunException("no run with id '" + runId + "' in " + config.state().checkpoints());
        }
        Snapshot before = checkpoints.snapshot(runId)
                .orElseThrow(() -> new RunException("run " + runId + " has no snapshot yet; try again"));
        if (before.finished()) {
            throw new RunException("run " + runId + " has already ended (" + before.status() + ")");
        }
        if (!cancel && Snapshot.AWAITING_APPROVAL.equals(before.status())) {
            throw new RunException("run " + runId + " is waiting for approval; answer it (agent approve or deny) or cancel it");
        }
        Optional<PidFile.Owner> runtime = PidFile.live(config.state().pidFile());
        if (runtime.isPresent()) {
            try (RuntimeClient client = RuntimeClient.connect(config.state(), runtime.get())) {
                if (client.control(cancel ? Protocol.CANCEL : Protocol.PAUSE, runId, reason)) {
                    return new Outcome(runId, status(runId), "the main runtime (pid " + runtime.get().pid() + ")");
                }
            } catch (IOException e) {
                // the runtime is going away: the run's lock says who, if anyone, still runs it
            }
        }
        RunLiveness liveness = new RunLiveness(config.state());
        if (liveness.owned(runId)) {
            return signalOwner(runId, cancel, reason, runtime, liveness);
        }
        String status = cancel ? Snapshot.CANCELLED : Snapshot.PAUSED;
        new StoppedRun(config).record(runId, status, reason);
        return new Outcome(runId, status(runId), "its checkpoint (no process was running it)");
    }

    /** The run's own process: told what is asked, then sent SIGTERM, then waited for until it lets the run go. */
    private Outcome signalOwner(String runId, boolean cancel, String reason, Optional<PidFile.Owner> runtime, RunLiveness liveness)
            throws RunException {
        String holder = RunLock.holder(config.state().checkpointDir(runId).resolve("lock"));
        long pid;
        try {
            pid = Long.parseLong(holder);
        } catch (NumberFormatException e) {
            throw new RunException("run " + runId + " is held by a process whose pid is unknown; try again");
        }
        if (pid == ProcessHandle.current().pid() || runtime.map(r -> r.pid() == pid).orElse(false)) {
            throw new RunException("run " + runId + " is starting or stopping in the main runtime; try again");
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            throw new RunException("run " + runId + " is held by pid " + pid + ", which this user cannot see; try again");
        }
        try {
            new ControlRequest(cancel ? ControlRequest.CANCEL : ControlRequest.PAUSE, reason).write(config.state(), runId);
        } catch (IOException e) {
            throw new RunException("cannot ask run " + runId + " to stop: " + e.getMessage());
        }
        if (!process.get().destroy()) {
            throw new RunException("cannot signal process " + pid + " that runs " + runId);
        }
        // The run's own process pauses or cancels the run, then exits: its exit is the event that frees the lock.
        try {
            process.get().onExit().get(OWN_PROCESS_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RunException("process " + pid + " was asked to stop run " + runId + " but still holds it");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new RunException("cannot follow process " + pid + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunException("interrupted while waiting for process " + pid);
        }
        if (liveness.owned(runId)) {
            throw new RunException("process " + pid + " has exited but run " + runId + " is still held; try again");
        }
        return new Outcome(runId, status(runId), "its own process (pid " + pid + ")");
    }

    private String status(String runId) {
        return new RunLiveness(config.state()).shown(checkpoints.snapshot(runId).orElse(null)) instanceof Snapshot s ? s.status() : "unknown";
    }
}
