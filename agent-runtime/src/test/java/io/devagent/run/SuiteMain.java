package io.devagent.run;

import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs test classes ({@code Class}) or methods ({@code Class#method}) where there is no build tool,
 * as inside a container: prints the summary and each failure, exits 0 only when some tests ran and
 * none failed or was skipped.
 */
public final class SuiteMain {

    private SuiteMain() {
    }

    public static void main(String[] args) {
        List<org.junit.platform.engine.DiscoverySelector> selectors = new ArrayList<>();
        for (String arg : args) {
            selectors.add(arg.contains("#") ? selectMethod(arg) : selectClass(arg));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printTo(out);
        summary.printFailuresTo(out, 30);
        boolean ok = summary.getTestsSucceededCount() > 0 && summary.getTotalFailureCount() == 0 && summary.getTestsSkippedCount() == 0
                && summary.getTestsAbortedCount() == 0;
        out.println(ok ? "suite: ok" : "suite: FAILED");
        System.exit(ok ? 0 : 1);
    }
}
