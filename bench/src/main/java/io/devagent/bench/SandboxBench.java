package io.devagent.bench;

import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.policy.Policy;
import io.devagent.tool.RunShellTool;
import io.devagent.tool.ShellSandbox;
import io.devagent.tool.ToolContext;
import io.devagent.tool.ToolResult;
import io.devagent.tool.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the shell sandbox adds to a command: {@code run_shell("true")} through the real tool,
 * unconfined ({@code AGENT_SHELL_SANDBOX=none}, the baseline), under Landlock and seccomp, and under
 * bubblewrap, interleaved round by round in one process so that all three see the same load.
 */
public final class SandboxBench {

    static final String BEGIN = "<!-- bench-sandbox:begin -->";
    static final String END = "<!-- bench-sandbox:end -->";

    private SandboxBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        int warmup = options.smoke() ? 2 : 20;
        int rounds = options.smoke() ? 5 : 200;
        Path ws = Files.createTempDirectory("dev-agent-sandbox-bench-");
        Map<String, Optional<String>> modes = new LinkedHashMap<>();
        modes.put("none", Optional.empty());
        modes.put("landlock", ShellSandbox.landlockProblem());
        modes.put("bwrap", ShellSandbox.bwrapProblem());
        Map<String, long[]> times = new LinkedHashMap<>();
        modes.forEach((mode, problem) -> {
            if (problem.isEmpty()) {
                times.put(mode, new long[rounds]);
            }
        });
        RunShellTool tool = new RunShellTool();
        var arguments = Json.object().put("command", "true");
        for (int i = -warmup; i < rounds; i++) {
            for (Map.Entry<String, long[]> e : times.entrySet()) {
                ToolContext ctx = new ToolContext(new Workspace(ws), Policy.defaults(),
                        new Environment(Map.of("AGENT_SHELL_SANDBOX", e.getKey(), "PATH", System.getenv().getOrDefault("PATH", ""))));
                long t0 = System.nanoTime();
                ToolResult result = tool.execute(arguments, ctx);
                long took = System.nanoTime() - t0;
                if (result.error() || !result.output().equals("exit code: 0\n")) {
                    throw new IllegalStateException(e.getKey() + ": " + result.output());
                }
                if (i >= 0) {
                    e.getValue()[i] = took;
                }
            }
        }
        TempTree.delete(ws);
        StringBuilder report = new StringBuilder("## Shell sandbox: what confining a command adds\n\n");
        report.append("`run_shell(\"true\")` through the real tool, ").append(rounds).append(" calls each after ").append(warmup)
                .append(" warm-up calls, the three set-ups interleaved call by call in one JVM (")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs). Baseline: the same call unconfined ")
                .append("(`AGENT_SHELL_SANDBOX=none`). Each call is the whole tool: choosing the sandbox, starting `bash -c true`, ")
                .append("waiting for it and ending whatever it left. Unconfined and under bubblewrap, the end walks `/proc` for the ")
                .append("command's descendants; under Landlock (ABI 6) one `kill(-1)` from the command's own domain does it, which is ")
                .append("why it can come out cheaper than the baseline. Under Landlock the start also builds a ruleset of about 150 ")
                .append("paths (each entry of `/etc` but its secrets) and a seccomp filter, from a new platform thread. ")
                .append("Rerun with `bench/run --sandbox`.\n\n");
        report.append("| Set-up | Median | p90 | Added to the median call |\n|---|---:|---:|---:|\n");
        double base = median(times.get("none"));
        for (Map.Entry<String, long[]> e : times.entrySet()) {
            double med = median(e.getValue());
            report.append(String.format(Locale.ROOT, "| %s | %.2f ms | %.2f ms | %s |%n", label(e.getKey()), med / 1e6,
                    percentile(e.getValue(), 0.9) / 1e6,
                    e.getKey().equals("none") ? "baseline" : String.format(Locale.ROOT, "%+.2f ms (%.2f×)", (med - base) / 1e6, med / base)));
        }
        modes.forEach((mode, problem) -> problem.ifPresent(p -> report.append("\n").append(label(mode)).append(": not measured here (").append(p).append(").\n")));
        ReportFile.publish(options.out(), report.toString(), BEGIN, END, options.smoke(), List.of());
        System.exit(0);
    }

    private static String label(String mode) {
        return switch (mode) {
            case "none" -> "unconfined";
            case "landlock" -> "Landlock + seccomp";
            default -> "bubblewrap";
        };
    }

    private static double median(long[] values) {
        return percentile(values, 0.5);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * (sorted.length - 1)))];
    }
}
