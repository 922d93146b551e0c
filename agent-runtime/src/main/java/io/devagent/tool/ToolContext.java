package io.devagent.tool;

import io.devagent.config.Environment;
import io.devagent.policy.Policy;

/**
 * What a call may use: the workspace it is confined to, the policy in force, the environment, and
 * the journal its side effects are announced to.
 */
public record ToolContext(Workspace workspace, Policy policy, Environment env, EffectJournal effects) {

    public ToolContext(Workspace workspace, Policy policy, Environment env) {
        this(workspace, policy, env, EffectJournal.NONE);
    }

    public int maxOutputBytes() {
        return policy.limits().maxToolOutputBytes();
    }
}
