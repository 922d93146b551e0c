package io.devagent.cli;

import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.policy.Policy;
import io.devagent.policy.PolicyException;
import io.devagent.policy.PolicyReload;
import io.devagent.state.StateDir;
import io.devagent.view.StateView;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;

/**
 * {@code agent policies show | reload} on the state directory: the policy file, or the policy the main
 * runtime holds. A Policy NAME is the cluster's, and refused here.
 */
record LocalPolicies(StateDir state, Environment env, PrintWriter out, PrintWriter err) {

    /** How long {@code policies reload} waits for the main runtime's answer to SIGHUP. */
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);

    int show(String name) {
        if (name != null) {
            err.println("error: a Policy NAME goes with --k8s; locally the policy in force is the policy file's");
            return ExitCodes.USAGE;
        }
        var view = new StateView(state);
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
            out.println("# " + state.policyFile() + (Files.exists(state.policyFile()) ? "" : " (absent: defaults)")
                    + ", version " + policy.version());
            out.println(Json.pretty(policy));
            return ExitCodes.OK;
        } catch (PolicyException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    /** Sends SIGHUP to the main runtime and reports whether it took up the policy file. */
    int reload(String name, boolean json) throws InterruptedException {
        if (name != null) {
            err.println("error: a Policy NAME goes with --k8s; locally 'agent policies reload' reloads the main runtime's policy file");
            return ExitCodes.USAGE;
        }
        var outcome = PolicyReload.request(state, RELOAD_WAIT);
        if (outcome.kind() != PolicyReload.Outcome.Kind.ANSWERED) {
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
