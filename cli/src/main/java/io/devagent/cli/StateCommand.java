package io.devagent.cli;

import io.devagent.config.Environment;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command that works on a state directory shares: the common options
 * ({@code --state-dir}, {@code --workspace}), its picocli spec, and the environment it reads.
 */
abstract class StateCommand implements CliContext.Aware {

    @Mixin
    CliContext context;

    @Spec
    CommandSpec spec;

    Environment env;

    @Override
    public void environment(Environment env) {
        this.env = env;
    }
}
