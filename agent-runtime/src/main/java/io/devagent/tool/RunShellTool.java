package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.policy.Globs;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code run_shell(command)}: a shell command in the workspace, sandboxed, with a timeout that kills its whole tree. */
public final class RunShellTool implements Tool {

    @Override
    public String name() {
        return "run_shell";
    }

    @Override
    public String description() {
        return "Run a shell command (bash -c) in the workspace directory and return its exit code and combined output. "
                + "Commands time out; network access depends on the policy.";
    }

    @Override
    public ObjectNode parameters() {
        return Args.schema(new String[][] {{"command", "The shell command line to run"}}, "command");
    }

    @Override
    public boolean sideEffecting() {
        return true;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext ctx) throws ToolException, InterruptedException {
        String command = Args.required(arguments, "command");
        if (command.isBlank()) {
            throw ToolException.badArguments("'command' must not be empty");
        }
        if (!ctx.policy().shell().enabled()) {
            throw ToolException.denied("refused: the policy turns the shell off (shell.enabled: false)");
        }
        String deniedBy = deniedBy(ctx.policy().shell().deny(), command);
        if (deniedBy != null) {
            throw ToolException.denied("refused: the policy denies this command (shell.deny: " + deniedBy + ")");
        }
        List<String> argv = ShellSandbox.commandLine(command, ctx.workspace().root(), ctx.policy().network().allowed(),
                ctx.policy().files(), ctx.env());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(ctx.workspace().root().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        ShellSandbox.scrubEnvironment(builder.environment());
        int timeout = ctx.policy().shell().timeoutSeconds();
        int cap = ctx.maxOutputBytes();
        Process process;
        ctx.effects().begin(Effect.shell(command));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw ToolException.failed("cannot start the shell: " + e.getMessage());
        }
        CappedReader output = new CappedReader(process.getInputStream(), cap);
        Thread reader = Thread.ofVirtual().name("run_shell-output").start(output);
        boolean finished;
        try {
            finished = process.waitFor(timeout, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        if (!finished) {
            killTree(process);
        }
        // Children that keep the output pipe open must not hold the run: wait briefly, then kill them too.
        reader.join(2000);
        if (reader.isAlive()) {
            killTree(process);
            reader.join(2000);
        }
        String text = output.text();
        if (!finished) {
            return new ToolResult("error: timed out after " + timeout + "s; the command and its children were killed\n" + text, true);
        }
        int exit = process.exitValue();
        return new ToolResult("exit code: " + exit + "\n" + text, exit != 0);
    }

    /** What a command line may start with before the command itself: wrappers, keywords, assignments, a directory. */
    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile(
            "^(?:(?:eval|exec|command|builtin|nohup|time|sudo|xargs|setsid|env(?:\\s+-\\S+)*|nice(?:\\s+-n\\s*-?\\d+|\\s+-\\d+)?"
            + "|timeout(?:\\s+-\\S+)*\\s+[\\d.]+[smhd]?|stdbuf(?:\\s+-\\S+)*|if|then|else|elif|do|while|until"
            + "|(?:ba|da|z)?sh\\s+-c|[A-Za-z_][A-Za-z0-9_]*=\\S*)\\s+|[!{]\\s*|\\$\\(?\\s*|\\S*/(?=\\S))");

    /**
     * The first {@code shell.deny} glob that matches the whole command line or one of the commands
     * in it, or null. Commands are split at {@code ; & | newline}, the insides of {@code $(...)} and
     * backticks count as commands, quotes and backslashes are dropped ({@code c'u'rl} is
     * {@code curl}), line continuations joined and blanks collapsed, {@code $(echo curl)} read as
     * {@code curl}, the directory of a command dropped ({@code /usr/bin/curl} is {@code curl}), and
     * wrappers such as {@code eval}, {@code env}, {@code timeout 5}, {@code bash -c} or keywords such as
     * {@code then} are looked through. It still cannot see what a command computes at run time
     * ({@code $CMD}, a script it writes and runs); the sandbox is what holds.
     */
    static String deniedBy(List<String> globs, String command) {
        List<String> parts = new java.util.ArrayList<>();
        String joined = command.replace("\\\n", "");
        String unquoted = joined.replaceAll("[\"'\\\\]", "");
        String echoed = unquoted.replaceAll("\\$\\(\\s*(?:echo|printf)\\s+([^()]*?)\\s*\\)|`\\s*(?:echo|printf)\\s+([^`]*?)\\s*`", "$1$2");
        for (String text : List.of(joined, unquoted, echoed)) {
            parts.add(text.strip());
            java.util.regex.Matcher inner = java.util.regex.Pattern.compile("\\$\\(([^()]*)\\)|`([^`]*)`").matcher(text);
            List<String> pieces = new java.util.ArrayList<>(List.of(text.split("[;&|\\n()`]+")));
            while (inner.find()) {
                pieces.add(inner.group(1) != null ? inner.group(1) : inner.group(2));
            }
            for (String piece : pieces) {
                String part = piece.replaceAll("\\s+", " ").strip();
                String unwrapped;
                while (!(unwrapped = PREFIX.matcher(part).replaceFirst("").strip()).equals(part)) {
                    parts.add(part);
                    part = unwrapped;
                }
                parts.add(part);
            }
        }
        for (String glob : globs) {
            for (String part : parts) {
                if (!part.isEmpty() && Globs.matchesName(glob, part)) {
                    return glob;
                }
            }
        }
        return null;
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Drains a stream to the end, keeping at most {@code cap} bytes and counting the rest. */
    private static final class CappedReader implements Runnable {
        private final InputStream in;
        private final int cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long dropped;

        CappedReader(InputStream in, int cap) {
            this.in = in;
            this.cap = cap;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (this) {
                        int keep = Math.max(0, Math.min(n, cap - kept.size()));
                        kept.write(buffer, 0, keep);
                        dropped += n - keep;
                    }
                }
            } catch (IOException ignored) {
                // the process was killed: keep what was read
            }
        }

        synchronized String text() {
            String text = OutputCap.decodePrefix(kept.toByteArray(), cap);
            return dropped > 0 ? text + "\n[output truncated: " + dropped + " more bytes]" : text;
        }
    }
}
