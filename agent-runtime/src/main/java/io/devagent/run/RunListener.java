package io.devagent.run;

/** Progress of a run as it happens, for the CLI's live line and, later, for followers. */
public interface RunListener {

    RunListener NONE = new RunListener() {
    };

    /** The run has its id and its first checkpoint. */
    default void started(String runId, boolean resumed) {
    }

    /** The run asked for (by {@code --run-id}) had already finished: it is reported, not run again. */
    default void finishedEarlier(String runId) {
        started(runId, false);
    }

    /** Something new is happening: {@code activity} is e.g. "waiting for the model" or "read_file README.md". */
    default void progress(int step, long totalTokens, String activity) {
    }
}
