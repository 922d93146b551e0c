package io.devagent.cli;

import io.devagent.audit.AuditReader;
import io.devagent.checkpoint.Snapshot;
import io.devagent.state.FileChanges;
import io.devagent.state.StateDir;
import io.devagent.view.StateView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code agent logs ID [--follow] [--json]}: a run's transcript from its audit log. With
 * {@code --follow} it keeps printing as the run goes on (in this or the main runtime, or a run
 * resumed elsewhere), until the run stops; Ctrl-C only stops reading.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print run ID's transcript as a person reads it.",
                "It shows the model's text, each tool call with an excerpt of its output, refusals, approvals, reviews,",
                "compactions, and how the run ended.",
                "--follow keeps printing while the run goes on (also a run handed to the main runtime: Ctrl-C there only",
                "stops following, and this picks it up again) and returns when it stops; --json prints the raw audit events."})
final class LogsCommand extends StateCommand implements Callable<Integer> {

    private static final int CHUNK_BYTES = 1 << 20;
    /** Events after which a run that is not running has nothing more to write. */
    private static final java.util.Set<String> CLOSING = java.util.Set.of("run_finished", "run_paused", "run_cancelled",
            "approval_requested");
    /** How long a stopped run's closing event is waited for before its process is taken to be gone. */
    private static final long CLOSING_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    @Parameters(paramLabel = "ID", description = "The run (see: agent checkpoints list)")
    String runId;

    @Option(names = {"-f", "--follow"}, description = "Keep printing until the run stops")
    boolean follow;

    @Option(names = "--json", description = "The raw audit events, one JSON object a line")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = out();
        PrintWriter err = err();
        StateDir state = state();
        StateView view = new StateView(state);
        if (!view.known(runId)) {
            err.println("error: no run with id '" + runId + "' in " + state.checkpoints() + "; see the runs with: agent checkpoints list");
            return ExitCodes.USAGE;
        }
        Printed printed = print(view, new Printed(0, false), out);
        if (!follow) {
            return ExitCodes.OK;
        }
        Files.createDirectories(state.auditDir());
        Files.createDirectories(state.checkpointDir(runId));
        // The audit log grows with each event; the snapshot's rename tells that the run stopped.
        try (FileChanges changes = FileChanges.in(state.auditDir(), state.checkpointDir(runId))) {
            while (true) {
                long from = printed.offset();
                if (live(view)) {
                    changes.awaitUntil(Long.MAX_VALUE, () -> more(view, from) || !live(view));
                } else if (printed.closed()
                        || !changes.awaitUntil(System.nanoTime() + CLOSING_GRACE_NANOS, () -> more(view, from))) {
                    // Stopped, and its closing event printed (a run writes it just after its snapshot), or none
                    // comes: the process that ran it is gone.
                    break;
                }
                printed = print(view, printed, out);
            }
        }
        Optional<Snapshot> last = view.run(runId);
        if (last.isPresent() && Snapshot.RUNNING.equals(last.get().status())) {
            err.println("run " + runId + " is interrupted (its process is gone); continue it with: agent checkpoints resume " + runId);
        }
        return ExitCodes.OK;
    }

    /** How far the transcript is printed, and whether its last event closes the run's stretch of work. */
    private record Printed(long offset, boolean closed) {
    }

    private boolean more(StateView view, long from) throws IOException {
        return !view.auditSince(runId, from, 1).events().isEmpty();
    }

    /** Prints the events after {@code before}; returns how far it got. */
    private Printed print(StateView view, Printed before, PrintWriter out) throws IOException {
        long offset = before.offset();
        boolean closed = before.closed();
        while (true) {
            AuditReader.Chunk chunk = view.auditSince(runId, offset, CHUNK_BYTES);
            for (AuditReader.Event event : chunk.events()) {
                if (json) {
                    out.println(event.line());
                } else {
                    Transcript.line(event.json()).ifPresent(out::println);
                }
                closed = CLOSING.contains(event.json().path("type").asText());
            }
            out.flush();
            if (chunk.nextOffset() < 0) {
                return new Printed(offset, closed);
            }
            offset = chunk.nextOffset();
            if (!chunk.more()) {
                return new Printed(offset, closed);
            }
        }
    }

    /** Whether the run is going on: running, and its process (this machine's pid in the snapshot) alive. */
    private boolean live(StateView view) {
        Optional<Snapshot> snapshot = view.run(runId);
        if (snapshot.isEmpty()) {
            return true; // not checkpointed yet: it is starting
        }
        Snapshot s = snapshot.get();
        return Snapshot.RUNNING.equals(s.status()) && (s.pid() == null || ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false));
    }
}
