package io.devagent.cli;

import io.devagent.policy.PolicyException;

/**
 * Where the commands act: the local state directory and its main runtime ({@link LocalBackend}), or
 * AgentRun and Policy resources in a cluster ({@link ClusterBackend}, {@code --k8s}). Chosen once, by
 * {@link AgentCommand#backend}; each operation prints its outcome and returns the exit code. An
 * operation one back end cannot do answers one line that says where it can be done, and exit 2.
 */
interface Backend {

    /** {@code agent run}: a goal to its end (or detached), the main runtime, or a replay. */
    int run(RunRequest request) throws PolicyException;

    /** {@code agent checkpoints list}: the runs, newest first. */
    int listRuns(boolean json);

    /** {@code agent checkpoints show [ID]}: one run's state as JSON; {@code runId} null: the newest. */
    int showRun(String runId);

    /** {@code agent checkpoints resume ID}: continues a run and follows it to its end. */
    int resume(String runId, boolean json) throws PolicyException;

    /** {@code agent checkpoints pause ID}. */
    int pause(String runId, String reason, boolean json) throws PolicyException;

    /** {@code agent cancel ID}. */
    int cancel(String runId, String reason, boolean json) throws PolicyException;

    /** {@code agent policies show [NAME]}: the policy in force; a NAME only in the cluster. */
    int showPolicies(String name);

    /** {@code agent policies reload [NAME]}: makes the runs take up the policy again and says whether they did. */
    int reloadPolicies(String name, boolean json) throws InterruptedException;

    /** {@code agent diff ID}: the change a run made to its workspace; {@code step} null: from the start. */
    int diff(String runId, Integer step, boolean stat, boolean json);

    /** {@code agent audit verify ID}: the hash chain of a run's audit log. */
    int verifyAudit(String runId, boolean json);
}
