package io.devagent.cli;

import io.devagent.audit.AuditVerifier;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.view.StateView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

/** {@code agent audit verify ID}. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check runs' audit logs.",
        subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Runnable {

    @Spec
    CommandSpec spec;


    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say verify ID");
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the hash chain of run ID's audit log (audit/run-ID.jsonl).",
                    "Exits 1 and names the first bad line when a line was edited, removed or reordered."})
    static final class Verify extends StateCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String runId;
        @Option(names = "--json", description = "Print the result as JSON")
        boolean json;


        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            if (K8sMode.Options.of(spec).enabled()) {
                err.println("error: agent audit reads a local state directory; for an AgentRun, run it where its volume is mounted: "
                        + "kubectl exec POD -- agent audit verify RUN_ID");
                return ExitCodes.USAGE;
            }
            StateView view = new StateView(context.state(env));
            AuditVerifier.Result result;
            try {
                result = view.verifyAudit(runId);
            } catch (NoSuchFileException e) {
                err.println("error: " + (e.getReason() != null ? e.getReason() : "no audit log for run '" + runId + "' (" + e.getFile() + ")"));
                return ExitCodes.FAILED;
            } catch (IOException e) {
                err.println("error: cannot read the audit log of run " + runId + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
            java.nio.file.Path live = context.state(env).auditLog(runId);
            // An archived run's chain is read from its archive (agent archive), and named so.
            String file = java.nio.file.Files.exists(live) ? live.toString() : view.archivedAt(runId).orElse(live.toString());
            if (json) {
                var node = Json.object().put("run_id", runId).put("ok", result.ok()).put("events", result.events());
                if (!result.ok()) {
                    node.put("bad_line", result.badLine()).put("reason", result.reason());
                }
                if (result.warning() != null) {
                    node.put("warning", result.warning());
                }
                out.println(Json.write(node));
            } else if (result.ok()) {
                out.println("ok: " + file + ": " + result.events() + " events, the hash chain is intact");
                if (result.warning() != null) {
                    err.println("warning: " + result.warning());
                }
            } else {
                err.println("broken: " + file + " line " + result.badLine() + ": " + result.reason()
                        + " (" + result.events() + " events before it verify)");
            }
            return result.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
