package io.devagent.bench;

import java.util.Locale;

/** Renders the figures as the Markdown section of BENCHMARKS.md. */
final class MarkdownReport {

    private final Figures f;
    private final StringBuilder out = new StringBuilder();

    private MarkdownReport(Figures figures) {
        this.f = figures;
    }

    static String render(Figures figures) {
        return new MarkdownReport(figures).build();
    }

    private String build() {
        double fsync = f.fsync().medianMs();
        double rtt = f.rtt().medianMs();
        line("## Steps: per-step overhead and checkpoint cost");
        line("");
        line("Measured " + f.when() + " on " + f.machine() + "; the whole benchmark took "
                + String.format(Locale.ROOT, "%.0f", f.seconds()) + " s.");
        line("");

        line("### Ratios against the same run's baselines");
        line("");
        line("| ratio | value |");
        line("|---|---:|");
        for (StepRow row : f.rows()) {
            line("| per-step overhead / fsync floor, N = " + row.toolSteps() + " (goal ≤ 2×) | **" + Fmt.ratio(row.overheadPerFsync()) + "** |");
        }
        for (StepRow row : f.rows()) {
            line("| the same against the first request's round trip instead of the run's own requests, N = " + row.toolSteps() + " | "
                    + Fmt.ratio(row.overheadVsFirstRttMs() / fsync) + " |");
        }
        int first = f.sizeSteps().get(0);
        int last = f.sizeSteps().get(f.sizeSteps().size() - 1);
        line("| checkpoint (journal) bytes at step " + last + " / at step " + first + " (goal ≤ 1.1×) | **"
                + Fmt.ratio((double) f.sizes().journalBytes().get(last) / f.sizes().journalBytes().get(first)) + "** |");
        line("| audit bytes at step " + last + " / at step " + first + " | "
                + Fmt.ratio((double) f.sizes().auditBytes().get(last) / f.sizes().auditBytes().get(first)) + " |");
        PhaseListener.Phases watched = f.phases().get(f.phases().size() - 1);
        line("| checkpoint time (tool call + checkpoint, median of ten steps) at step " + last + " / at step " + first
                + " (goal ≤ 1.1×) | **" + Fmt.ratio(watched.toolAndCheckpointAroundMs(last) / watched.toolAndCheckpointAroundMs(first)) + "** |");
        line("| loopback round trip / fsync floor | " + Fmt.ratio(rtt / fsync) + " |");
        line("");

        line("### Baselines");
        line("");
        line("| baseline | what | ops | median ms | p95 ms | mean ms |");
        line("|---|---|---:|---:|---:|---:|");
        line("| fsync floor | append a " + f.fsyncLineBytes() + "-byte journal step line (the mean is "
                + String.format(Locale.ROOT, "%.0f", f.meanStepLineBytes()) + ") and `FileChannel.force(false)`, same temp directory | "
                + f.fsync().count() + " in " + f.baselineBlocks() + " blocks | " + Fmt.ms(fsync) + " | " + Fmt.ms(f.fsync().p95Ms()) + " | "
                + Fmt.ms(f.fsync().mean() / 1e6) + " |");
        line("| loopback model round trip | the agent's first `POST /chat/completions` (" + Fmt.bytes(f.firstRequestBytes())
                + " bytes) replayed with `java.net.http.HttpClient` to a `ScriptedModelServer` answering at once, no agent | "
                + f.rtt().count() + " in " + f.baselineBlocks() + " blocks | " + Fmt.ms(rtt) + " | " + Fmt.ms(f.rtt().p95Ms()) + " | "
                + Fmt.ms(f.rtt().mean() / 1e6) + " |");
        line("");

        line("### Per-step time of real runs");
        line("");
        line("`Agent.start` against a zero-latency `ScriptedModelServer`: N steps that each call `read_file` on a small file "
                + "(native tool calls, not streamed), then the final answer, so N + 1 committed steps of one model request each. "
                + "Per step = run time / (N + 1). The model floor is the same run's requests, every one of them in order, replayed "
                + "alone with `java.net.http.HttpClient` against a new `ScriptedModelServer` (median of 3 replays): what the run "
                + "would take if the runtime did nothing but send them. Overhead = per step − model floor per step.");
        line("");
        line("| N | steps | runs timed | run time ms (median) | per step ms | mean request bytes | model floor per step ms | "
                + "overhead per step ms | overhead / fsync floor | per step − first request's round trip, ms |");
        line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (StepRow r : f.rows()) {
            line("| " + r.toolSteps() + " | " + r.steps() + " | " + r.runs() + " | " + Fmt.ms(r.runMs()) + " | " + Fmt.ms(r.perStepMs())
                    + " | " + Fmt.bytes((long) r.meanRequestBytes()) + " | " + Fmt.ms(r.floorPerStepMs()) + " | " + Fmt.ms(r.overheadMs())
                    + " | " + Fmt.ratio(r.overheadPerFsync()) + " | " + Fmt.ms(r.overheadVsFirstRttMs()) + " |");
        }
        line("");

        line("### Checkpoint bytes per step");
        line("");
        line("From the " + last + "-step run: the journal line a step commits (its checkpoint; the journal delta), the journal's size "
                + "once it is committed, and the audit lines that carry the step's number; and from the watched run of the same length "
                + "(below), the time of the tool call and checkpoint phase, median of the ten steps up to this one.");
        line("");
        line("| step | journal bytes for the step | journal size after it | audit bytes for the step | tool call + checkpoint ms |");
        line("|---:|---:|---:|---:|---:|");
        for (int step : f.sizeSteps()) {
            line("| " + step + " | " + Fmt.bytes(f.sizes().journalBytes().get(step)) + " | " + Fmt.bytes(f.sizes().journalTotal().get(step))
                    + " | " + Fmt.bytes(f.sizes().auditBytes().get(step)) + " | " + Fmt.ms(watched.toolAndCheckpointAroundMs(step)) + " |");
        }
        line("");

        line("### Where a run's time goes");
        line("");
        line("Separate runs, watched by a `RunListener` that timestamps the progress events the loop emits (the timed runs above "
                + "have none). Per-step phases are means over the tool steps.");
        line("");
        StringBuilder header = new StringBuilder("| phase | covers |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (PhaseListener.Phases p : f.phases()) {
            header.append(" N = ").append(p.toolSteps()).append(" |");
            rule.append("---:|");
        }
        line(header.toString());
        line(rule.toString());
        phase("setup, once (ms)", "model lookup, workspace, lock, journal created and fsync'd, audit opened, first snapshot, audit fsync",
                p -> p.setup() / 1e6);
        phase("prepare, per step (ms)", "policy, tool schemas, system prompt, `model_request` audit line", PhaseListener.Phases::prepareMs);
        phase("model exchange, per step (ms)", "`ModelClient.chat` (JSON of the whole conversation, HTTP, reply parsed), "
                + "`model_response` audit line", PhaseListener.Phases::modelMs);
        phase("tool call + checkpoint, per step (ms)", "`read_file`, its audit lines, journal and audit fsync side by side, snapshot and metrics.json handed to their writers",
                PhaseListener.Phases::toolAndCheckpointMs);
        phase("final answer step, once (ms)", "its model exchange and checkpoint", p -> p.finalStep() / 1e6);
        phase("finish, once (ms)", "status entry, snapshot, `run_finished`, audit fsync, metrics.json, closing", p -> p.finish() / 1e6);
        phase("whole run (ms)", "", p -> p.total() / 1e6);
        line("");

        line("### Where a step's time goes, piece by piece");
        line("");
        line("Each piece of a step timed on its own through the runtime's classes, with the data of a real step; "
                + "the last column divides its median by the fsync floor's.");
        line("");
        line("| piece | what | ops | median ms | p95 ms | / fsync floor |");
        line("|---|---|---:|---:|---:|---:|");
        double sum = 0;
        for (Component c : f.checkpointParts()) {
            component(c, fsync);
            if (!c.name().contains("earlier runs") && !c.name().contains("as the loop does it")) {
                sum += c.summary().medianMs();
            }
        }
        for (Component c : f.clientParts()) {
            component(c, fsync);
        }
        double client = f.clientParts().get(0).summary().medianMs();
        StepRow shortest = f.rows().get(0);
        line("");
        Component sequence = f.checkpointParts().stream().filter(c -> c.name().contains("as the loop does it")).findFirst().orElseThrow();
        line("The four checkpoint pieces add up to " + Fmt.ms(sum) + " ms (" + Fmt.ratio(sum / fsync) + " the fsync floor) on their own, "
                + Fmt.ms(sequence.summary().medianMs()) + " ms as the loop arranges them; with `ModelClient.chat` of a first request, "
                + Fmt.ms(sum + client) + " ms, against " + Fmt.ms(shortest.perStepMs()) + " ms measured per step at N = "
                + shortest.toolSteps() + " and " + Fmt.ms(f.rows().get(Math.min(1, f.rows().size() - 1)).perStepMs()) + " ms at N = "
                + f.rows().get(Math.min(1, f.rows().size() - 1)).toolSteps() + ". Medians hide the fsync tail a real run pays in full: "
                + "the per-step figures are means over the run's steps.");
        line("");

        line("### Method");
        line("");
        line("- One JVM, in this order: warm-up runs (5 × N = 10, 3 × N = 100, 2 × N = 1000); a block of baselines (300 untimed fsyncs and "
                + "3,000 untimed requests, as the JIT goes on speeding HTTP up for thousands of them; then 400 of each); "
                + "for each N, another block of baselines (50 untimed, 300) and the timed runs; the watched runs; the pieces (50 untimed first).");
        line("- The baselines pool their blocks, so that the machine's load over the benchmark weighs on them as on the runs. "
                + "A run length's figure is the median of its runs' wall times of `Agent.start`; the run at the (lower) median gives the "
                + "half-way request, the checkpoint sizes and the step that the pieces below replay.");
        line("- Every run has its own state directory and its own server, in one temporary directory that is removed at the end.");
        line("- Medians are what the headline ratios use (as asked); p95 and the mean show the tail. A run's time is a sum, "
                + "so its per-step figure compares with the baselines' means at least as well as with their medians. Other work on "
                + "the machine (concurrent builds on the same disk and CPUs) moves the absolute figures, and the fsync tail most.");
        return out.toString();
    }

    private void phase(String name, String covers, java.util.function.ToDoubleFunction<PhaseListener.Phases> value) {
        StringBuilder row = new StringBuilder("| " + name + " | " + covers + " |");
        for (PhaseListener.Phases p : f.phases()) {
            row.append(' ').append(Fmt.ms(value.applyAsDouble(p))).append(" |");
        }
        line(row.toString());
    }

    private void component(Component c, double fsync) {
        line("| " + c.name() + " | " + c.detail() + " | " + c.summary().count() + " | " + Fmt.ms(c.summary().medianMs()) + " | "
                + Fmt.ms(c.summary().p95Ms()) + " | " + Fmt.ratio(c.summary().medianMs() / fsync) + " |");
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
