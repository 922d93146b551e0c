package io.devagent.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;

/**
 * The clocks of one timed batch against a {@link ModelServerProcess}: wall time, this process's CPU
 * time, the whole machine's busy share, and the requests and CPU time of the server, from {@link
 * #start} to {@link #stop}.
 */
final class BatchClock {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** What a batch used: nanoseconds of wall time and of this process's CPU, the machine's busy share, the server's use. */
    record Used(long elapsedNanos, long cpuNanos, double machineBusy, ModelServerProcess.Stats server) {
    }

    private final ModelServerProcess server;
    private final ModelServerProcess.Stats serverBefore;
    private final long cpuBefore;
    private final MachineCpu machineBefore;
    private final long started;

    private BatchClock(ModelServerProcess server) throws IOException {
        this.server = server;
        this.serverBefore = server.stats();
        this.cpuBefore = OS.getProcessCpuTime();
        this.machineBefore = MachineCpu.now();
        this.started = System.nanoTime();
    }

    static BatchClock start(ModelServerProcess server) throws IOException {
        return new BatchClock(server);
    }

    Used stop() throws IOException {
        long elapsed = System.nanoTime() - started;
        long cpu = OS.getProcessCpuTime() - cpuBefore;
        double machineBusy = MachineCpu.now().busySince(machineBefore);
        return new Used(elapsed, cpu, machineBusy, server.stats().minus(serverBefore));
    }
}
