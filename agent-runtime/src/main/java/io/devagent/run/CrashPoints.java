package io.devagent.run;

import io.devagent.config.Environment;

/**
 * A test hook for crash tests: {@code AGENT_TEST_CRASH_AT=<point>[@<n>]} halts the process, as
 * SIGKILL would (no shutdown hooks, nothing flushed), the n-th time the run reaches that point.
 * Points: after_model_reply, after_reply_journaled, after_intent, after_tool_executed,
 * after_outcome, torn_step, after_step_commit, after_snapshot, after_compaction (see {@link StepJournal}, which holds them
 * all, out of the loop's path). Unset, it costs one comparison.
 */
final class CrashPoints {

    static final int EXIT_CODE = 137;

    private final String point;
    private final int nth;
    private int hits;

    private CrashPoints(String point, int nth) {
        this.point = point;
        this.nth = nth;
    }

    static CrashPoints from(Environment env) {
        String spec = env.get("AGENT_TEST_CRASH_AT").orElse(null);
        if (spec == null) {
            return new CrashPoints(null, 0);
        }
        int at = spec.indexOf('@');
        return at < 0 ? new CrashPoints(spec, 1) : new CrashPoints(spec.substring(0, at), Integer.parseInt(spec.substring(at + 1)));
    }

    /** Whether this is the moment to crash at {@code name}; the caller then calls {@link #crash()}. */
    boolean due(String name) {
        return point != null && point.equals(name) && ++hits == nth;
    }

    void at(String name) {
        if (due(name)) {
            crash();
        }
    }

    void crash() {
        Runtime.getRuntime().halt(EXIT_CODE);
    }
}
