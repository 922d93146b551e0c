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
            K8sMode.Options k8s = K8sMode.Options.of(spec);
            if (k8s.enabled()) {
                return new K8sMode(k8s, env, spec.commandLine().getOut(), spec.commandLine().getErr()).showPolicies(name);
            }
            if (name != null) {
                spec.commandLine().getErr().println("error: a Policy NAME goes with --k8s; locally the policy in force is the policy file's");
                return ExitCodes.USAGE;
            }
            var state = context.state(env);
            var out = spec.commandLine().getOut();
            var view = new io.devagent.view.StateView(state);
            var runtime = view.runtime();
            var status = view.policyStatus();
            if (runtime.isPresent() && status.isPresent() && status.get().policy() != null) {
                // With a main runtime alive, the policy in force is the one it holds, which a rejected edit does not change.
                out.println("# in force in the main runtime (pid " + runtime.get().pid() + "), version " + status.get().version()
                        + (status.get().ok() ? "" : "; the last reload was rejected: " + status.get().error()));
                out.println(Json.pretty(status.get().policy()));
                return ExitCodes.OK;
            }
            try {
                Policy policy = CliContext.policy(state, env);
                out.println("# " + state.policyFile() + (java.nio.file.Files.exists(state.policyFile()) ? "" : " (absent: defaults)")
                        + ", version " + policy.version());
                out.println(Json.pretty(policy));
                return ExitCodes.OK;
            } catch (PolicyException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = {"Send SIGHUP to the main runtime (the pid in agent.pid) and report whether it accepted the policy file.",
                    "With --k8s: make the operator render Policy NAME again into every run that references it, and wait for it.",
                    "A file that does not parse or validate is rejected and the policy in force stays."})
    static final class Reload extends StateCommand implements Callable<Integer> {
        private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(10);
        @picocli.CommandLine.Option(names = "--json", description = "Print the runtime's reload result as JSON")
        boolean json;


        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "NAME",
                description = "With --k8s: the Policy to re-propagate (default: all in the namespace)")
        String name;

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            K8sMode.Options k8s = K8sMode.Options.of(spec);
            if (k8s.enabled()) {
                return new K8sMode(k8s, env, out, err).reloadPolicies(name, json, java.time.Duration.ofSeconds(30));
            }
            if (name != null) {
                err.println("error: a Policy NAME goes with --k8s; locally 'agent policies reload' reloads the main runtime's policy file");
                return ExitCodes.USAGE;
            }
            var outcome = io.devagent.policy.PolicyReload.request(context.state(env), WAIT);
            if (outcome.kind() != io.devagent.policy.PolicyReload.Outcome.Kind.ANSWERED) {
                err.println("error: " + outcome.message());
                return ExitCodes.FAILED;
            }
            var result = outcome.result();
            if (json) {
                out.println(Json.write(result));
            } else if (result.ok()) {
                out.println("reloaded: policy version " + result.version() + " is in force"
                        + (outcome.unchanged() ? " (unchanged)"
                        : " (was " + (outcome.versionBefore() != null ? outcome.versionBefore() : result.previousVersion()) + ")"));
            } else {
                err.println("rejected: " + result.error() + "; version " + result.version() + " stays in force");
            }
            return result.ok() ? ExitCodes.OK : ExitCodes.FAILED;
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
