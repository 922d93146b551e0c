package io.devagent.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The live processes of this machine whose command line holds a marker: what a test waits on to see
 * that the processes it started (tagged with an unusual number, say {@code sleep 3.0482913}) are gone,
 * instead of waiting out the time they would have taken.
 */
public final class Processes {

    private Processes() {
    }

    /** "pid command line" of each live process whose command line contains one of the markers. */
    public static List<String> withCommandLine(String... markers) {
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(line -> {
            for (String marker : markers) {
                if (line.contains(marker) && p.isAlive()) {
                    found.add(p.pid() + " " + line);
                    return;
                }
            }
        }));
        return found;
    }
}
