package io.devagent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code agent diff ID [--step N] [--stat] [--json]}: the change a run made to its workspace. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"The change run ID made to its workspace, from its start to now (shell effects included),",
                "and nothing that was there before the run. --step N: what step N alone did."})
final class DiffCommand extends StateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID")
    String runId;
    @Option(names = "--step", paramLabel = "N", description = "Only what step N changed")
    Integer step;
    @Option(names = "--stat", description = "Files and line counts instead of the patch")
    boolean stat;
    @Option(names = "--json", description = "Print the diff as JSON (summary and per-file patches)")
    boolean json;

    @Override
    public Integer call() {
        return backend().diff(runId, step, stat, json);
    }
}
