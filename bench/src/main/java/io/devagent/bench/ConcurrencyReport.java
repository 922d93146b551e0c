package io.devagent.bench;

import java.util.Arrays;
import java.util.Locale;

/** The Markdown section of {@link ConcurrencyBench}'s figures. */
final class ConcurrencyReport {

    private ConcurrencyReport() {
    }

    static String render(ConcurrencyBench.Result r) {
        ConcurrencyBench.Settings s = r.settings();
        double ideal = s.idealStepsPerSecond();
        int steps = s.toolSteps() + 1;
        RuntimeBatch.Batch run = r.medianRuntime();
        ServerBaseline.Batch base = r.medianBaseline();
        int cpus = Runtime.getRuntime().availableProcessors();
        StringBuilder md = new StringBuilder();
        md.append("## Concurrency: ").append(s.runs()).append(" runs at once in one main runtime\n\n");
        md.append("Measured ").append(r.when()).append(" on ").append(r.machine()).append("; the whole benchmark took ")
                .append(String.format(Locale.ROOT, "%.0f", r.seconds())).append(" s.\n\n");
        md.append(s.runs()).append(" goals are handed at once to a `MainRuntime` (in the benchmark's JVM) over its socket `agent.sock`, ")
                .append("one `RuntimeClient` connection each, as `agent run \"GOAL\"` hands them, and followed to their results. ")
                .append("Each run is ").append(s.toolSteps()).append(" `read_file` steps and a final answer, ").append(steps)
                .append(" committed steps of one model request each, against a `ScriptedModelServer` in a JVM of its own that answers every request after ")
                .append(s.delayMillis()).append(" ms. A run's steps follow one another, so the model bounds the rate at runs / delay = ")
                .append(String.format(Locale.ROOT, "%,.0f", ideal)).append(" steps/s (the ideal). The server alone, driven by ")
                .append(s.runs()).append(" plain HTTP clients making ").append(steps)
                .append(" round trips each with a real mid-run request, is the ceiling this machine reaches before any agent work. ")
                .append("Each figure is the median of ").append(r.runtime().size()).append(" timed batches after ").append(s.warmups()).append(" untimed.\n\n");

        md.append("| figure | value |\n|---|---:|\n");
        md.append("| ideal, model-bound: ").append(s.runs()).append(" runs / ").append(s.delayMillis()).append(" ms | ")
                .append(String.format(Locale.ROOT, "%,.0f", ideal)).append(" steps/s |\n");
        md.append("| **runtime: ").append(s.runs()).append(" runs × ").append(steps).append(" steps** | **")
                .append(String.format(Locale.ROOT, "%,.0f", run.stepsPerSecond())).append(" steps/s = ").append(pct(run.stepsPerSecond() / ideal))
                .append(" of ideal** |\n");
        md.append("| server alone (ceiling): ").append(s.runs()).append(" clients × ").append(steps).append(" round trips | ")
                .append(String.format(Locale.ROOT, "%,.0f", base.perSecond())).append(" round trips/s = ").append(pct(base.perSecond() / ideal))
                .append(" of ideal |\n");
        md.append("| runtime / server alone | ").append(pct(run.stepsPerSecond() / base.perSecond())).append(" |\n");
        long[] sorted = run.runNanos().clone();
        Arrays.sort(sorted);
        md.append("| a run's wall time: median / p95 / max (ideal ").append(steps * s.delayMillis()).append(" ms) | ")
                .append(Fmt.ms(sorted[sorted.length / 2] / 1e6)).append(" / ")
                .append(Fmt.ms(sorted[Math.max(0, (int) Math.ceil(0.95 * sorted.length) - 1)] / 1e6)).append(" / ")
                .append(Fmt.ms(sorted[sorted.length - 1] / 1e6)).append(" ms |\n");
        md.append("| runtime CPU per step (the JVM's CPU time less the followers' threads) | ")
                .append(Fmt.ms(run.runtimeCpuNanos() / 1e6 / run.stepsCommitted())).append(" ms |\n");
        md.append("| CPU a step may cost at the ideal rate on ").append(cpus).append(" CPUs, runtime and server together | ")
                .append(Fmt.ms(cpus * 1000.0 / ideal)).append(" ms |\n");
        md.append("| server CPU per request, in the runtime batches / alone | ")
                .append(Fmt.ms(run.server().cpuNanos() / 1e6 / run.server().requests())).append(" / ")
                .append(Fmt.ms(base.server().cpuNanos() / 1e6 / base.server().requests())).append(" ms |\n");
        md.append("| server alone: CPU per round trip, HTTP clients / server | ")
                .append(Fmt.ms(base.clientCpuNanos() / 1e6 / base.roundTrips())).append(" / ")
                .append(Fmt.ms(base.server().cpuNanos() / 1e6 / base.roundTrips())).append(" ms |\n");
        double cpuPerStep = (run.runtimeCpuNanos() + run.server().cpuNanos()) / (double) run.stepsCommitted();
        md.append("| steps/s the CPU allows: ").append(cpus).append(" CPUs / (runtime + server CPU per step) | ")
                .append(String.format(Locale.ROOT, "%,.0f", cpus * 1e9 / cpuPerStep)).append(" steps/s = ")
                .append(pct(cpus * 1e9 / cpuPerStep / ideal)).append(" of ideal |\n");
        md.append("| CPU busy during the runtime batch: runtime + server / every process on the machine, of ").append(cpus).append(" CPUs | ")
                .append(pct((run.runtimeCpuNanos() + run.server().cpuNanos()) / (double) run.elapsedNanos() / cpus)).append(" / ")
                .append(run.machineBusy() < 0 ? "?" : pct(run.machineBusy())).append(" |\n\n");

        md.append("| batch | runtime steps/s | % of ideal | batch s | runtime CPU ms/step | server requests | machine CPU busy "
                + "| server alone round trips/s | % of ideal | machine CPU busy |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < r.runtime().size(); i++) {
            RuntimeBatch.Batch b = r.runtime().get(i);
            ServerBaseline.Batch sb = r.baseline().get(i);
            md.append("| ").append(i + 1).append(" | ").append(String.format(Locale.ROOT, "%,.0f", b.stepsPerSecond())).append(" | ")
                    .append(pct(b.stepsPerSecond() / ideal)).append(" | ").append(String.format(Locale.ROOT, "%.2f", b.elapsedNanos() / 1e9))
                    .append(" | ").append(Fmt.ms(b.runtimeCpuNanos() / 1e6 / b.stepsCommitted())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", b.server().requests())).append(" | ")
                    .append(b.machineBusy() < 0 ? "?" : pct(b.machineBusy())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,.0f", sb.perSecond())).append(" | ").append(pct(sb.perSecond() / ideal)).append(" | ")
                    .append(sb.machineBusy() < 0 ? "?" : pct(sb.machineBusy())).append(" |\n");
        }
        md.append("\n").append(limits(r, run, base, cpus)).append("\n");
        md.append("\nEvery run of every batch is checked: it succeeded with ").append(steps)
                .append(" steps, and the server saw exactly one request per step. Rerun with `bench/run --concurrency` ")
                .append("(`--smoke`: ").append(ConcurrencyBench.Settings.SMOKE.runs()).append(" runs × ")
                .append(ConcurrencyBench.Settings.SMOKE.toolSteps() + 1).append(" steps; its report goes to a temporary file).\n");
        return md.toString();
    }

    /** What bounds the rate, in words, from the figures of the median batches. */
    private static String limits(ConcurrencyBench.Result r, RuntimeBatch.Batch run, ServerBaseline.Batch base, int cpus) {
        ConcurrencyBench.Settings s = r.settings();
        double runtimeMs = run.runtimeCpuNanos() / 1e6 / run.stepsCommitted();
        double serverMs = run.server().cpuNanos() / 1e6 / run.server().requests();
        double clientMs = base.clientCpuNanos() / 1e6 / base.roundTrips();
        double budgetMs = cpus * 1000.0 / (0.9 * s.idealStepsPerSecond());
        StringBuilder text = new StringBuilder();
        if (run.machineBusy() >= 0) {
            text.append("During the median runtime batch the machine's CPUs were ").append(pct(run.machineBusy()))
                    .append(" busy (every process on it, this benchmark's share ")
                    .append(pct((run.runtimeCpuNanos() + run.server().cpuNanos()) / (double) run.elapsedNanos() / cpus)).append("). ");
        }
        text.append("A step costs ").append(Fmt.ms(runtimeMs)).append(" ms of the runtime's CPU and ").append(Fmt.ms(serverMs))
                .append(" ms of the server's; 90 % of the ideal on ").append(cpus).append(" CPUs leaves ").append(Fmt.ms(budgetMs))
                .append(" ms for both together, and the HTTP round trip alone (client ").append(Fmt.ms(clientMs)).append(" ms + server ")
                .append(Fmt.ms(base.server().cpuNanos() / 1e6 / base.roundTrips())).append(" ms in the server-alone batches) already takes ")
                .append(pct((clientMs + base.server().cpuNanos() / 1e6 / base.roundTrips()) / budgetMs)).append(" of that. ")
                .append(run.machineBusy() >= 0.9
                        ? "With the CPUs that busy, the rate was bound by CPU time per step, not by runs waiting on one another."
                        : "The CPUs had idle time: something besides CPU held the runs back (waiting on one another, on the disk, or on the model).");
        return text.toString();
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }
}
