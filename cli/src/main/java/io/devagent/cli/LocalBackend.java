package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.policy.PolicyException;

import java.io.PrintWriter;

/**
 * The state directory of {@code --state-dir} and its main runtime: runs are checkpointed there, handed
 * to the main runtime when one is alive, else run in this process. Each operation is its own class.
 */
record LocalBackend(CliContext context, Environment env, PrintWriter out, PrintWriter err) implements Backend {

    @Override
    public int run(RunRequest request) throws PolicyException {
        return new LocalRun(context, env, out, err).run(request);
    }

    @Override
    public int listRuns(boolean json) {
        return new LocalRuns(context.state(env), out, err).list(json);
    }

    @Override
    public int showRun(String runId) {
        return new LocalRuns(context.state(env), out, err).show(runId);
    }

    @Override
    public int resume(String runId, boolean json) throws PolicyException {
        return new RunSession(context.config(env), env, out, err, json).resume(runId);
    }

    @Override
    public int pause(String runId, String reason, boolean json) throws PolicyException {
        return new LocalSteering(context.config(env), out, err).steer(runId, false, reason, json);
    }

    @Override
    public int cancel(String runId, String reason, boolean json) throws PolicyException {
        return new LocalSteering(context.config(env), out, err).steer(runId, true, reason, json);
    }

    @Override
    public int showPolicies(String name) {
        return new LocalPolicies(context.state(env), env, out, err).show(name);
    }

    @Override
    public int reloadPolicies(String name, boolean json) throws InterruptedException {
        return new LocalPolicies(context.state(env), env, out, err).reload(name, json);
    }

    @Override
    public int diff(String runId, Integer step, boolean stat, boolean json) {
        return new LocalDiff(context.state(env), out, err).diff(runId, step, stat, json);
    }

    @Override
    public int verifyAudit(String runId, boolean json) {
        return new LocalAuditVerify(context.state(env), out, err).verify(runId, json);
    }
}
