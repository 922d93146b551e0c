package io.devagent.cli;

import io.devagent.config.ConfigException;
import io.devagent.config.ConfigFiles;
import io.devagent.config.Environment;
import io.devagent.config.Settings;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The {@code agent} command's entry point. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, Environment.system(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (SignalPause.signalled()) {
            // A signal is shutting the JVM down: its exit status is 128 + the signal (130, 143).
            SignalPause.done();
            return;
        }
        System.exit(code);
    }

    /** Runs the CLI with the given environment and streams; the entry point for tests too. */
    public static int run(String[] args, Environment env, PrintWriter out, PrintWriter err) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // Answered before picocli builds the command tree: its reflection over every command is
            // most of a cold start, and the version needs none of it. The line is picocli's own.
            out.println(VersionProvider.line());
            out.flush();
            return ExitCodes.OK;
        }
        Settings settings;
        try {
            settings = ConfigFiles.resolve(env, workspace(args, env));
        } catch (ConfigException e) {
            if (!asksForHelp(args)) {
                err.println("error: " + e.getMessage());
                err.flush();
                return ExitCodes.USAGE;
            }
            settings = new Settings(env, java.util.Map.of()); // help needs no settings
        }
        if (talksToTheModel(args)) {
            io.devagent.model.ModelClient.warmUpInBackground();
        }
        CommandLine cli = commandLine(settings);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /** {@code run} (a goal, or the main runtime) and {@code checkpoints resume}: the commands whose first request should not wait. */
    private static boolean talksToTheModel(String[] args) {
        java.util.List<String> words = java.util.Arrays.asList(args);
        return !words.contains("--help") && !words.contains("-h") && !words.contains("--k8s")
                && (words.contains("run") || (words.contains("checkpoints") && words.contains("resume")));
    }

    /** The workspace the command will work on, for its repository config file: --workspace, else AGENT_WORKSPACE, else here. */
    private static Path workspace(String[] args, Environment env) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--workspace") && i + 1 < args.length) {
                return Path.of(args[i + 1]).toAbsolutePath();
            }
            if (args[i].startsWith("--workspace=")) {
                return Path.of(args[i].substring("--workspace=".length())).toAbsolutePath();
            }
        }
        return env.get("AGENT_WORKSPACE").map(Path::of).orElse(Path.of("")).toAbsolutePath();
    }

    private static boolean asksForHelp(String[] args) {
        java.util.List<String> words = java.util.Arrays.asList(args);
        return words.isEmpty() || words.contains("--help") || words.contains("-h") || words.contains("help");
    }

    static CommandLine commandLine(Environment env) {
        return commandLine(new Settings(env, java.util.Map.of()));
    }

    static CommandLine commandLine(Settings settings) {
        Environment env = settings.env();
        CommandLine cli = new CommandLine(new AgentCommand(), new Factory(settings));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Users get one clear line, never a stack trace.
            commandLine.getErr().println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return e instanceof io.devagent.policy.PolicyException || e instanceof IllegalArgumentException ? ExitCodes.USAGE : ExitCodes.FAILED;
        });
        cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
        cli.setParameterExceptionHandler(UsageErrors::handle);
        return cli;
    }

    /** Gives every command the environment, so tests can run the CLI in-process with their own. */
    private record Factory(Settings settings) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            K instance = CommandLine.defaultFactory().create(type);
            if (instance instanceof CliContext.Aware aware) {
                aware.environment(settings.env());
            }
            if (instance instanceof ConfigCommand.SettingsAware aware) {
                aware.settings(settings);
            }
            return instance;
        }
    }
}
