package io.devagent.cli;

/** The exit codes of SPEC.md. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    /** The run waits for a person's answer: agent approve ID / agent deny ID. */
    public static final int AWAITING_APPROVAL = 4;
    public static final int SIGINT = 130;
    public static final int SIGTERM = 143;

    private ExitCodes() {
    }
}
