package io.devagent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
            return backend().verifyAudit(runId, json);
        }
    }
}
