package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyException;
import io.devagent.policy.PolicyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code agent policies show | validate FILE}. */
@Command(name = "policies", mixinStandardHelpOptions = true, description = "Inspect and check policies.",
        subcommands = {PoliciesCommand.Show.class, PoliciesCommand.Validate.class})
final class PoliciesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say show or validate FILE");
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "The policy in force: the policy file (or the defaults) combined with the environment (ALLOW_NET).")
    static final class Show implements Callable<Integer>, CliContext.Aware {
        @Mixin
        CliContext context;
        @Spec
        CommandSpec spec;
        private Environment env;

        @Override
        public void environment(Environment env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            var state = context.state(env);
            try {
                Policy policy = CliContext.policy(state, env);
                spec.commandLine().getOut().println("# " + state.policyFile() + (java.nio.file.Files.exists(state.policyFile()) ? "" : " (absent: defaults)"));
                spec.commandLine().getOut().println(Json.pretty(policy));
                return ExitCodes.OK;
            } catch (PolicyException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a policy file without applying it.")
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            if (!java.nio.file.Files.isRegularFile(file)) {
                spec.commandLine().getErr().println("error: " + file + " does not exist");
                return ExitCodes.USAGE;
            }
            try {
                PolicyLoader.load(file);
                spec.commandLine().getOut().println("ok: " + file + " is a valid policy");
                return ExitCodes.OK;
            } catch (PolicyException e) {
                spec.commandLine().getErr().println("invalid: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }
}
