package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.policy.PolicyException;
import io.devagent.state.StateDir;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

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

    /** Where the command prints its result. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where the command prints errors and progress. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The state directory the options and the environment name. */
    StateDir state() {
        return context.state(env);
    }

    /** A run session over this command's configuration and output; {@code json} for one JSON object at the end. */
    RunSession session(boolean json) throws PolicyException {
        return new RunSession(context.config(env), env, out(), err(), json);
    }
}
