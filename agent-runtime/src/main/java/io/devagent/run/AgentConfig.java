package io.devagent.run;

import io.devagent.config.Environment;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.state.StateDir;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Everything a run needs from outside: where state lives, the workspace, how to reach the model,
 * and the policy in force (a supplier, so that a reload applies from the next tool call).
 */
public record AgentConfig(StateDir state, Path workspace, ModelSettings model, Supplier<Policy> policy, Environment env) {
}
