package io.devagent.cli;

import io.devagent.dashboard.Dashboard;
import io.devagent.dashboard.DashboardOptions;
import io.devagent.state.StateDir;
import io.devagent.view.StateView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code agent dashboard [--port 7081] [--host 127.0.0.1]}: the web dashboard over the state directory, read-only. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serve the web dashboard over the state directory on http://HOST:PORT/ (JSON API and a web page).",
                "It shows runs, live logs, checkpoints, metrics and MCP status; it reloads the policy and answers runs",
                "that wait for approval.",
                "With AGENT_DASHBOARD_TOKEN set, every route but /health wants 'Authorization: Bearer <token>'.",
                "Runs until stopped (SIGTERM or Ctrl-C)."})
final class DashboardCommand extends StateCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7081", description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;
    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 in a container)")
    String host;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        if (port < 0 || port > 65535) {
            err.println("error: --port must be between 0 and 65535, not " + port);
            return ExitCodes.USAGE;
        }
        StateDir state = state();
        DashboardOptions options = DashboardOptions.defaults().withHost(host).withPort(port)
                .withToken(env.get("AGENT_DASHBOARD_TOKEN"));
        Dashboard dashboard;
        try {
            dashboard = Dashboard.start(new StateView(state), options);
        } catch (Exception e) {
            err.println("error: cannot serve the dashboard on " + host + ":" + port + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return ExitCodes.FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(dashboard::close, "dashboard-stop"));
        out.println("dashboard: " + dashboard.url() + " (state: " + state.root() + ", auth: "
                + (options.authEnabled() ? "on, AGENT_DASHBOARD_TOKEN" : "off") + ")");
        if (!options.authEnabled() && !loopback(host)) {
            err.println("warning: the dashboard listens on " + host + " without a token; set AGENT_DASHBOARD_TOKEN to require one");
        }
        out.flush();
        new CountDownLatch(1).await(); // until a signal stops the JVM; the hook closes the server
        return ExitCodes.OK;
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
