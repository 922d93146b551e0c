package io.devagent.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code agent checkpoints pause} and {@code agent cancel} are given: the run, why, and how to answer. */
final class SteerOptions {

    @Parameters(paramLabel = "ID")
    String runId;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the snapshot and the audit log)")
    String reason;
    @Option(names = "--json", description = "Print one JSON object: run_id, status, via")
    boolean json;
}
