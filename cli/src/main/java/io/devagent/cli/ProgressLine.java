package io.devagent.cli;

import io.devagent.run.RunListener;

import java.io.PrintWriter;

/**
 * The live progress of a run on stderr: one rewritten line on a terminal, plain lines elsewhere,
 * nothing with {@code --json}.
 */
final class ProgressLine implements RunListener {

    enum Mode { TERMINAL, PLAIN, QUIET }

    private final PrintWriter err;
    private final Mode mode;
    private String last = "";

    ProgressLine(PrintWriter err, Mode mode) {
        this.err = err;
        this.mode = mode;
    }

    static Mode detect(boolean json, io.devagent.config.Environment env) {
        if (json) {
            return Mode.QUIET;
        }
        var console = System.console();
        boolean terminal = console != null && !"dumb".equals(env.get("TERM", "dumb"));
        try {
            // Java 22+ returns a console even when not attached to a terminal; ask it when we can.
            terminal = terminal && (boolean) console.getClass().getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // Java 21: a non-null console means a terminal
        }
        return terminal ? Mode.TERMINAL : Mode.PLAIN;
    }

    @Override
    public void started(String runId, boolean resumed) {
        if (mode == Mode.PLAIN) {
            err.println((resumed ? "resumed " : "started ") + runId);
        }
    }

    @Override
    public synchronized void progress(int step, long totalTokens, String activity) {
        if (mode == Mode.QUIET) {
            return; // several calls a step: a --json run need not format lines nobody sees
        }
        String line = "step " + step + " · " + String.format("%,d", totalTokens) + " tokens · " + activity;
        switch (mode) {
            case TERMINAL -> {
                err.print("\r\033[K" + line);
                err.flush();
            }
            case PLAIN -> {
                if (!line.equals(last) && !activity.endsWith(" saved")) {
                    err.println(line);
                }
            }
            default -> {
            }
        }
        last = line;
    }

    /** Clears the live line before the final output. */
    synchronized void end() {
        if (mode == Mode.TERMINAL) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
