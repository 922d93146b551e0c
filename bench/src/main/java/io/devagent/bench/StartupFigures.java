package io.devagent.bench;

import java.util.List;

/**
 * What one startup benchmark measured, for {@link StartupReport}: the baselines, the
 * {@code --version} launches and the resumes, each a {@link Row} of cold launches.
 */
record StartupFigures(String when, String machine, int launches, InterruptedRun run, int requestBytes,
                      Row hello, Row javaVersion, List<Row> version, List<Row> resume, long firstLauncherRunNanos,
                      StartupPhases phases, StartupPhases phasesWithArchive, double seconds) {

    /** One way of launching, timed {@code launches} times; for a resume, {@code exit} is spawn to exit. */
    record Row(String label, String what, Summary summary, Summary exit) {
    }
}
