package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyException;
import io.devagent.policy.PolicyHolder;
import io.devagent.policy.PolicyLoader;
import io.devagent.run.AgentConfig;
import io.devagent.state.StateDir;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The options every command shares (state directory, workspace), and the environment they read. */
public class CliContext {

    /** Commands that want the environment get it from the factory. */
    public interface Aware {
        void environment(Environment env);
    }

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory (default: $AGENT_STATE_DIR, else /state when writable, else ~/.dev-agent/state)")
    Path stateDir;

    @Option(names = "--workspace", paramLabel = "DIR", description = "The repository to work on (default: $AGENT_WORKSPACE, else the current directory)")
    Path workspace;

    StateDir state(Environment env) {
        return StateDir.resolve(Optional.ofNullable(stateDir), env);
    }

    Path workspace(Environment env) {
        return Optional.ofNullable(workspace)
                .or(() -> env.get("AGENT_WORKSPACE").map(Path::of))
                .orElse(Path.of("").toAbsolutePath());
    }

    /** The policy file's policy combined with the environment; a broken file is an error, not a silent default. */
    static Policy policy(StateDir state, Environment env) throws PolicyException {
        return PolicyLoader.effective(PolicyLoader.load(state.policyFile()), env);
    }

    /** The runtime's configuration; its policy is a holder that reloads on SIGHUP or when the file changes. */
    AgentConfig config(Environment env) throws PolicyException {
        StateDir state = state(env);
        PolicyHolder policy = PolicyHolder.load(state.policyFile(), env);
        return new AgentConfig(state, workspace(env), ModelSettings.from(env), policy, env);
    }
}
