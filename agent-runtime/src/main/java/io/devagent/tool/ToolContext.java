package io.devagent.tool;

import io.devagent.config.Environment;
import io.devagent.policy.Policy;

/** What a call may use: the workspace it is confined to, the policy in force, and the environment. */
public record ToolContext(Workspace workspace, Policy policy, Environment env) {

    public int maxOutputBytes() {
        return policy.limits().maxToolOutputBytes();
    }
}
