package io.devagent.cli;

import io.devagent.policy.PolicyException;
import io.devagent.policy.PolicyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code agent policies show | validate FILE}. */
@Command(name = "policies", mixinStandardHelpOptions = true, description = "Inspect and check policies.",
        subcommands = {PoliciesCommand.Reload.class, PoliciesCommand.Show.class, PoliciesCommand.Validate.class, PoliciesInit.class})
final class PoliciesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say show, validate FILE, reload or init");
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "The policy in force: the policy file (or the defaults) combined with the environment (ALLOW_NET).")
    static final class Show extends StateCommand implements Callable<Integer> {

        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "NAME", description = "With --k8s: the Policy (default: all in the namespace)")
        String name;

        @Override
        public Integer call() {
            return backend().showPolicies(name);
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = {"Send SIGHUP to the main runtime (the pid in agent.pid) and report whether it accepted the policy file.",
                    "With --k8s: make the operator render Policy NAME again into every run that references it, and wait for it.",
                    "A file that does not parse or validate is rejected and the policy in force stays."})
    static final class Reload extends StateCommand implements Callable<Integer> {
        @picocli.CommandLine.Option(names = "--json", description = "Print the runtime's reload result as JSON")
        boolean json;

        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "NAME",
                description = "With --k8s: the Policy to re-propagate (default: all in the namespace)")
        String name;

        @Override
        public Integer call() throws InterruptedException {
            return backend().reloadPolicies(name, json);
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
