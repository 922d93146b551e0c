package io.devagent.bench;

import io.devagent.run.RunListener;

/**
 * Splits a run's wall time by the progress events the loop already emits, without touching the
 * runtime: setup (until the run has its first checkpoint), and per tool step the preparation
 * (policy, tool schemas, system prompt, the {@code model_request} audit line), the model exchange
 * ({@code ModelClient.chat}, HTTP included, and the {@code model_response} audit line), and the tool
 * call with the checkpoint (the tool, its audit lines, journal fsync, snapshot, audit fsync,
 * metrics.json); then the final answer's step and the finish.
 */
final class PhaseListener implements RunListener {

    private static final String WAITING = "waiting for the model";

    private final long begun = System.nanoTime();
    private long setup;
    private long prepare;
    private long model;
    private long toolAndCheckpoint;
    private long finalStep;
    private int toolSteps;
    private int prepares;

    private long mark;
    private boolean inTool;
    /** Each tool step's tool call + checkpoint time, by step: the checkpoint cost against history length. */
    private final java.util.List<Long> toolAndCheckpointByStep = new java.util.ArrayList<>();

    @Override
    public void started(String runId, boolean resumed) {
        long now = System.nanoTime();
        setup = now - begun;
        mark = now;
    }

    @Override
    public void progress(int step, long totalTokens, String activity) {
        long now = System.nanoTime();
        if (WAITING.equals(activity)) {
            prepare += now - mark;
            prepares++;
            inTool = false;
        } else if (activity.startsWith("step ") && activity.endsWith(" saved")) {
            if (inTool) {
                toolAndCheckpoint += now - mark;
                toolAndCheckpointByStep.add(now - mark);
                toolSteps++;
            } else {
                finalStep += now - mark;
            }
            inTool = false;
        } else if (!inTool) {
            model += now - mark;
            inTool = true;
        } else {
            return; // a further tool call of the same step: still the same phase
        }
        mark = now;
    }

    /** Call when {@code Agent.start} has returned. */
    Phases done() {
        long ended = System.nanoTime();
        return new Phases(toolSteps, prepares, setup, prepare, model, toolAndCheckpoint, finalStep, ended - mark, ended - begun,
                toolAndCheckpointByStep.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * The phases' totals in nanoseconds: {@code prepare} covers {@code prepares} steps (the final
     * answer's included), {@code model} and {@code toolAndCheckpoint} the {@code toolSteps} tool steps.
     */
    record Phases(int toolSteps, int prepares, long setup, long prepare, long model, long toolAndCheckpoint, long finalStep,
                  long finish, long total, long[] toolAndCheckpointByStep) {

        /** The median tool call + checkpoint time of the ten tool steps ending at {@code step} (1-based), in ms. */
        double toolAndCheckpointAroundMs(int step) {
            int to = Math.min(step, toolAndCheckpointByStep.length);
            int from = Math.max(0, to - 10);
            return Summary.of(java.util.Arrays.copyOfRange(toolAndCheckpointByStep, from, to)).medianMs();
        }

        double prepareMs() {
            return prepare / 1e6 / prepares;
        }

        double modelMs() {
            return model / 1e6 / toolSteps;
        }

        double toolAndCheckpointMs() {
            return toolAndCheckpoint / 1e6 / toolSteps;
        }
    }
}
