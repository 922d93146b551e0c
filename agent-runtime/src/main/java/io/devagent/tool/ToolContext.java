package io.devagent.tool;

import io.devagent.config.Environment;
import io.devagent.policy.Policy;

/**
 * What a call may use: the workspace it is confined to, the policy in force, the environment, the
 * journal its side effects are announced to, and the bytes its output may take ({@code outputCap}:
 * the smaller of {@code limits.maxToolOutputBytes} and the output's share of the context window;
 * 0 means the policy's limit alone).
 */
public record ToolContext(Workspace workspace, Policy policy, Environment env, EffectJournal effects, int outputCap) {

    public ToolContext(Workspace workspace, Policy policy, Environment env) {
        this(workspace, policy, env, EffectJournal.NONE, 0);
    }

    public ToolContext(Workspace workspace, Policy policy, Environment env, EffectJournal effects) {
        this(workspace, policy, env, effects, 0);
    }

    public int maxOutputBytes() {
        int policyMax = policy.limits().maxToolOutputBytes();
        return outputCap <= 0 ? policyMax : Math.min(policyMax, outputCap);
    }
}
