package io.devagent.cli;

import io.devagent.archive.Archiver;
import io.devagent.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code agent archive [--older-than 7d] [--to DIR]}: log retention (runbook §5). */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = {"Archive the audit logs of finished runs older than AGE, and a dated metrics.json snapshot.",
                "They are moved into compressed archives under <state>/archive/<date>/ (or DIR). Each audit chain is",
                "verified first; runs still in flight are never touched."})
final class ArchiveCommand extends StateCommand implements Callable<Integer> {

    @Option(names = "--older-than", paramLabel = "AGE", defaultValue = "7d", description = "e.g. 7d, 12h, 30m, 0 (default: ${DEFAULT-VALUE})")
    String olderThan;
    @Option(names = "--to", paramLabel = "DIR", description = "Archive into DIR instead of <state>/archive")
    Path to;
    @Option(names = "--json", description = "Print what was done as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var out = out();
        Archiver.Report report = new Archiver(state()).archive(Archiver.parseAge(olderThan), Optional.ofNullable(to));
        if (json) {
            var node = Json.object().put("directory", report.directory().toString());
            node.set("archived", Json.MAPPER.valueToTree(report.archived()));
            node.set("skipped", Json.MAPPER.valueToTree(report.skipped()));
            node.set("broken", Json.MAPPER.valueToTree(report.broken()));
            if (report.metrics() != null) {
                node.put("metrics", report.metrics().toString());
            }
            out.println(Json.write(node));
        } else {
            out.println("archived " + report.archived().size() + " audit log(s) into " + report.directory()
                    + (report.metrics() == null ? "" : ", with a metrics snapshot " + report.metrics().getFileName()));
            report.skipped().forEach(s -> out.println("  kept: " + s));
            report.broken().forEach(b -> err().println("  not archived, chain broken: " + b));
        }
        return report.broken().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
