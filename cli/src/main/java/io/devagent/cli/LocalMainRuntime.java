package io.devagent.cli;

import io.devagent.daemon.MainRuntime;
import io.devagent.daemon.RuntimeClient;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.state.AccessProblem;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;

/** {@code agent run} with no goal: the main runtime, serving until SIGTERM or SIGINT (exit status 143 or 130). */
record LocalMainRuntime(AgentConfig config, PrintWriter out, PrintWriter err) {

    int serve() {
        if (RuntimeClient.runtime(config.state()).isPresent()) {
            // Refused by MainRuntime below, with its message: no MCP endpoint is connected for nothing.
            return serve(new Agent(config));
        }
        try (McpTools mcp = McpTools.forMainRuntime(config, out)) {
            return serve(mcp.agent(config));
        }
    }

    private int serve(Agent agent) {
        MainRuntime runtime = new MainRuntime(config, agent, out);
        try {
            runtime.run();
        } catch (MainRuntime.AlreadyRunningException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (AccessDeniedException e) {
            err.println("error: cannot start the main runtime: " + AccessProblem.describe(e, config.state().root()));
            return ExitCodes.FAILED;
        } catch (IOException e) {
            err.println("error: cannot start the main runtime: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
        if (runtime.stoppedByShutdown()) {
            SignalPause.shuttingDown();
        }
        return ExitCodes.OK;
    }
}
