package io.devagent.cli;

import io.devagent.config.Environment;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command that works on a state directory shares: the common options
 * ({@code --state-dir}, {@code --workspace}), its picocli spec, the environment it reads, and its back end.
 */
abstract class StateCommand implements CliContext.Aware {

    @Mixin
    CliContext context;

    @Spec
    CommandSpec spec;

    Environment env;

    /** Where this command acts: the state directory, or with {@code --k8s} the cluster. */
    Backend backend() {
        return AgentCommand.of(spec).backend(context, env, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    @Override
    public void environment(Environment env) {
        this.env = env;
    }
}
