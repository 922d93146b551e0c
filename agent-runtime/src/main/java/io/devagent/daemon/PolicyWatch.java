package io.devagent.daemon;

import io.devagent.policy.HangupSignal;
import io.devagent.policy.PolicyHolder;
import io.devagent.run.AgentConfig;

import java.io.IOException;

/**
 * SIGHUP and changes to the policy file reload the policy; it applies from each run's next tool
 * call. Installed before agent.pid is written, so a reload signal can never stop the runtime.
 */
final class PolicyWatch implements AutoCloseable {

    private final AutoCloseable watch;

    private PolicyWatch(AutoCloseable watch) {
        this.watch = watch;
    }

    static PolicyWatch start(AgentConfig config, RuntimeLog log) throws IOException {
        if (!(config.policy() instanceof PolicyHolder holder)) {
            return new PolicyWatch(null);
        }
        holder.addListener(result -> log.log(result.ok()
                ? "policy reloaded (" + result.trigger() + "): version " + result.version()
                : "policy rejected (" + result.trigger() + "): " + result.error() + "; version " + result.version() + " stays in force"));
        HangupSignal.handle(() -> holder.reload("SIGHUP"));
        holder.publishStatus(config.state().policyStatus());
        return new PolicyWatch(holder.watch());
    }

    @Override
    public void close() {
        StateClaim.closeQuietly(watch);
    }
}
