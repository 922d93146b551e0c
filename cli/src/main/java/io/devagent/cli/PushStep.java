package io.devagent.cli;

import io.devagent.audit.Redactor;
import io.devagent.checkpoint.Snapshot;
import io.devagent.config.Environment;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunException;
import io.devagent.run.RunResult;
import io.devagent.view.StateView;
import io.devagent.workspace.BranchPush;
import io.devagent.workspace.WorkspaceException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * After a run in this process: when the environment names a branch to push (an AgentRun's
 * {@code spec.workspace.git.push}, set by the operator), a succeeded run's change is committed and
 * pushed. A refused push fails the command (the run itself stays succeeded, and a new attempt pushes
 * the same commit again).
 */
final class PushStep {

    private PushStep() {
    }

    static Optional<BranchPush.Pushed> afterRun(AgentConfig config, Environment env, RunResult result, PrintWriter err)
            throws RunException {
        if (!result.succeeded() || env.get("AGENT_GIT_PUSH_BRANCH").isEmpty()) {
            return Optional.empty();
        }
        Optional<Snapshot> run = new StateView(config.state()).run(result.runId());
        Path workspace = run.map(Snapshot::workspace).map(Path::of).orElse(config.workspace());
        String goal = run.map(Snapshot::goal).orElse("");
        try {
            Optional<BranchPush.Pushed> pushed = BranchPush.ifAsked(env, workspace, result.runId(), goal,
                    Redactor.from(config.env(), config.policy().get().redact()));
            pushed.ifPresent(p -> err.println("pushed branch " + p.branch() + " at " + p.commit() + " (" + p.files() + " files, +"
                    + p.insertions() + " -" + p.deletions() + ")"));
            return pushed;
        } catch (WorkspaceException e) {
            throw new RunException("run " + result.runId() + " succeeded, but its change was not pushed: " + e.getMessage());
        }
    }
}
