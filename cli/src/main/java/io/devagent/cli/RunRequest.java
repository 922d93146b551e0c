package io.devagent.cli;

/**
 * What {@code agent run} was given; each back end refuses what is not its own ({@code --continue},
 * {@code --replay} and the main runtime are local, the AgentRun options the cluster's).
 *
 * @param goal         null: the main runtime (locally)
 * @param agentRun     the {@code --k8s} options of the AgentRun's spec, null when none was given
 */
record RunRequest(String goal, String runId, String replay, String model, String baseUrl, String continueFrom,
                  boolean detach, boolean json, AgentRunOptions agentRun) {

    /** The AgentRun's spec beyond the goal: {@code --api-key-secret}, {@code --policy}, the workspace and the rest. */
    record AgentRunOptions(String apiKeySecret, String policy, String git, String gitRef, String pvc, Integer maxSteps,
                           String storage, String image) {
        static final AgentRunOptions NONE = new AgentRunOptions(null, null, null, null, null, null, null, null);
    }
}
