package io.devagent.bench;

import io.devagent.config.Environment;
import io.devagent.model.ModelSettings;
import io.devagent.policy.Policy;
import io.devagent.run.Agent;
import io.devagent.run.AgentConfig;
import io.devagent.run.RunControl;
import io.devagent.run.RunListener;
import io.devagent.run.RunResult;
import io.devagent.state.StateDir;
import io.devagent.testkit.GitRepos;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import io.devagent.workspace.WorkspaceRecorder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What workspace snapshots cost: a snapshot's time on this repository and on a generated
 * 20,000-file one (the run's first, with and without an earlier run's index to start from, and one
 * after a step that changed a file), and the time per step of real runs (scripted model server, one
 * write_file per step) with snapshots on and off, alternated in the same process so that the
 * machine's load hits both alike. {@code bench/run --snapshots} writes its section of BENCHMARKS.md.
 */
public final class SnapshotBench {

    static final String BEGIN = "<!-- bench-snapshots:begin -->";
    static final String END = "<!-- bench-snapshots:end -->";

    private static int generatedFiles = 20_000;
    private static int stepSnapshots = 20;
    private static int runSteps = 20;
    private static int runPairs = 3;

    private SnapshotBench() {
    }

    private record RepoRow(String name, int files, double coldMs, double seededMs, Summary fileStep, Summary shellStep) {
    }

    private record StepRow(String name, Summary off, Summary on) {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        if (options.smoke()) {
            generatedFiles = 500;
            stepSnapshots = 3;
            runSteps = 3;
            runPairs = 1;
        }
        Path work = Files.createTempDirectory("dev-agent-snapshot-bench-");
        long begun = System.nanoTime();
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<RepoRow> repos = new ArrayList<>();
        List<StepRow> steps = new ArrayList<>();
        try {
            Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath();
            Path self = work.resolve("this-repository");
            GitRepos.git(work, "clone", "--quiet", "--no-hardlinks", root.toString(), self.toString());
            Path generated = generate(work.resolve("generated"), generatedFiles);
            for (Path repo : List.of(self, generated)) {
                String name = repo == self ? "this repository" : "generated";
                repos.add(snapshots(repo, name, work.resolve("state-" + repo.getFileName())));
                steps.add(runs(repo, name, work));
            }
        } finally {
            TempTree.delete(work);
        }
        ReportFile.publish(options.out(), render(when, repos, steps, (System.nanoTime() - begun) / 1e9), BEGIN, END,
                options.smoke(), List.of());
        System.exit(0);
    }

    /** A git repository of {@code count} small text files in 100-file directories, committed. */
    private static Path generate(Path dir, int count) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve("pkg" + (i / 100)).resolve("File" + i + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, ("// generated file " + i + "\nclass File" + i + " {\n    int value() { return " + i + "; }\n}\n").repeat(8));
        }
        GitRepos.git(dir, "init", "--quiet");
        GitRepos.git(dir, "add", "--all");
        GitRepos.git(dir, "commit", "--quiet", "-m", "generated");
        BenchMain.log("generated " + count + " files in " + dir);
        return dir;
    }

    private static int fileCount(Path repo) throws Exception {
        return (int) GitRepos.git(repo, "ls-files").lines().count();
    }

    /** The snapshot at a run's start (cold, then seeded by the first run's index) and after a one-file step. */
    private static RepoRow snapshots(Path repo, String name, Path stateDir) throws Exception {
        StateDir state = StateDir.resolve(Optional.of(stateDir), new Environment(Map.of()));
        long t0 = System.nanoTime();
        WorkspaceRecorder first = WorkspaceRecorder.begin(state, "bench-cold", repo.toRealPath(), Policy.defaults().files().deny());
        double cold = (System.nanoTime() - t0) / 1e6;
        check(first);
        first.close();
        long t1 = System.nanoTime();
        WorkspaceRecorder recorder = WorkspaceRecorder.begin(state, "bench-seeded", repo.toRealPath(), Policy.defaults().files().deny());
        double seeded = (System.nanoTime() - t1) / 1e6;
        check(recorder);
        // A file tool names the file it writes (only it is read again); a shell command could change any.
        Summary fileStep = stepSnapshots(recorder, repo, "bench-changed.txt", 0);
        Summary shellStep = stepSnapshots(recorder, repo, null, stepSnapshots);
        recorder.close();
        check(recorder);
        Files.delete(repo.resolve("bench-changed.txt"));
        RepoRow row = new RepoRow(name, fileCount(repo), cold, seeded, fileStep, shellStep);
        BenchMain.log(String.format(Locale.ROOT, "%s (%d files): start snapshot %s ms cold, %s ms seeded; step snapshot median %s ms "
                + "(write_file), %s ms (run_shell)", name, row.files(), Fmt.ms(cold), Fmt.ms(seeded), Fmt.ms(fileStep.medianMs()),
                Fmt.ms(shellStep.medianMs())));
        return row;
    }

    /** Snapshots after steps that each change one file, the effect announced with {@code path} (null: as a shell command does). */
    private static Summary stepSnapshots(WorkspaceRecorder recorder, Path repo, String path, int firstStep) throws Exception {
        long[] step = new long[stepSnapshots];
        for (int i = 0; i < stepSnapshots; i++) {
            recorder.beforeEffect(path);
            Files.writeString(repo.resolve("bench-changed.txt"), "step " + (firstStep + i) + "\n");
            recorder.stepCommitted(firstStep + i + 1);
            long started = System.nanoTime();
            recorder.beforeEffect(path); // waits for the step's snapshot: its whole time, as if the model answered at once
            step[i] = System.nanoTime() - started;
        }
        return Summary.of(step);
    }

    private static void check(WorkspaceRecorder recorder) {
        if (recorder.problem() != null) {
            throw new IllegalStateException(recorder.problem());
        }
    }

    /** Time per step of real runs, snapshots off and on, alternated. */
    private static StepRow runs(Path repo, String name, Path work) throws Exception {
        List<Long> off = new ArrayList<>();
        List<Long> on = new ArrayList<>();
        // Untimed: the JIT's warm-up, and the state directory's first (cold) snapshot of this workspace.
        run(repo, work.resolve("runs-state-" + repo.getFileName()), false);
        run(repo, work.resolve("runs-state-" + repo.getFileName()), true);
        for (int pair = 0; pair < runPairs; pair++) {
            for (boolean snapshots : pair % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                // One state directory for all runs, as a user has: a run starts from the previous run's index.
                long perStep = run(repo, work.resolve("runs-state-" + repo.getFileName()), snapshots);
                (snapshots ? on : off).add(perStep);
            }
        }
        StepRow row = new StepRow(name, Summary.of(off), Summary.of(on));
        BenchMain.log(String.format(Locale.ROOT, "%s: per step %s ms without snapshots, %s ms with", name,
                Fmt.ms(row.off().medianMs()), Fmt.ms(row.on().medianMs())));
        return row;
    }

    /** One run of {@link #runSteps} write_file steps; its time per step in nanoseconds (the start snapshot included). */
    private static long run(Path repo, Path stateDir, boolean snapshots) throws Exception {
        Reply[] script = new Reply[runSteps];
        for (int i = 0; i < runSteps; i++) {
            script[i] = Reply.toolCall("write_file", "{\"path\":\"bench-out/step" + i + ".txt\",\"content\":\"step " + i + "\\n\"}");
        }
        try (ScriptedModelServer server = ScriptedModelServer.start().script(script).whenExhausted(Reply.text("Done."))) {
            Map<String, String> vars = new HashMap<>(Map.of("LLM_BASE_URL", server.baseUrl(), "LLM_MODEL", "scripted-model",
                    "LLM_STREAM", "false", "AGENT_SNAPSHOTS", Boolean.toString(snapshots)));
            Environment env = new Environment(vars);
            Policy policy = Policy.defaults().withLimits(new Policy.Limits(runSteps + 10, Long.MAX_VALUE, null));
            AgentConfig config = new AgentConfig(StateDir.resolve(Optional.of(stateDir), env), repo, ModelSettings.from(env),
                    () -> policy, env);
            long started = System.nanoTime();
            RunResult result = new Agent(config).start("Write " + runSteps + " files", Optional.empty(), new RunControl(), RunListener.NONE);
            long elapsed = System.nanoTime() - started;
            if (!result.succeeded()) {
                throw new IllegalStateException("the benchmark run ended " + result.status() + ": " + result.message());
            }
            return elapsed / (runSteps + 1);
        } finally {
            TempTree.delete(repo.resolve("bench-out"));
        }
    }

    private static String render(String when, List<RepoRow> repos, List<StepRow> steps, double seconds) {
        StringBuilder md = new StringBuilder();
        md.append("## Workspace snapshots: what recording a run's changes costs\n\n");
        md.append("Measured ").append(when).append(" by `bench/run --snapshots` (").append(String.format(Locale.ROOT, "%.0f", seconds))
                .append(" s). A snapshot is `git add --all` + `write-tree` + `commit-tree` in a shadow repository in the state directory, ")
                .append("with the run's own index as the stat cache: the first snapshot of a workspace reads every file; a later run ")
                .append("starts from the previous run's index; a step's snapshot reads again only the files its file tools wrote, ")
                .append("or, after a shell command or an MCP tool, looks at every file's stat data. ")
                .append("Step snapshots are taken behind the run, while the model works on the next step; the next side effect waits ")
                .append("for the snapshot, so with a zero-latency model (below) the whole snapshot time shows in each step.\n\n");
        md.append("| workspace | files | run start, first ever (ms) | run start, seeded (ms) | after a `write_file` step, median (p95) (ms) "
                + "| after a one-file `run_shell` step, median (p95) (ms) |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (RepoRow r : repos) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s (%s) | %s (%s) |%n", r.name(), r.files(), Fmt.ms(r.coldMs()),
                    Fmt.ms(r.seededMs()), Fmt.ms(r.fileStep().medianMs()), Fmt.ms(r.fileStep().p95Ms()),
                    Fmt.ms(r.shellStep().medianMs()), Fmt.ms(r.shellStep().p95Ms())));
        }
        md.append("\nTime per step of real runs (").append(runSteps).append(" `write_file` steps and an answer; scripted model server, ")
                .append("zero latency; the run's start snapshot included), snapshots off (`AGENT_SNAPSHOTS=false`) and on, ")
                .append(runPairs).append(" runs each, alternated:\n\n");
        md.append("| workspace | per step, off (ms) | per step, on (ms) | ratio on/off |\n|---|---:|---:|---:|\n");
        for (StepRow s : steps) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", s.name(), Fmt.ms(s.off().medianMs()), Fmt.ms(s.on().medianMs()),
                    Fmt.ratio(s.on().median() / s.off().median())));
        }
        md.append("\nWith a real model (seconds per answer), a step's snapshot is done before the next answer arrives and costs the ")
                .append("step nothing; the start snapshot is paid once per run.\n");
        return md.toString();
    }
}
