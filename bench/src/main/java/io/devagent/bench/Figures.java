package io.devagent.bench;

import java.util.List;

/** Everything one benchmark run measured, for {@link MarkdownReport}. */
record Figures(String when, String machine, int fsyncLineBytes, double meanStepLineBytes, Summary fsync,
               int firstRequestBytes, Summary rtt, int baselineBlocks, List<StepRow> rows, CheckpointSizes sizes, List<Integer> sizeSteps,
               List<PhaseListener.Phases> phases, List<Component> checkpointParts, List<Component> clientParts, double seconds) {
}
