package io.devagent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time, every process together, from {@code /proc/stat} (Linux; zero
 * elsewhere): on a shared machine it tells whether a batch was short of CPU because of other work.
 */
record MachineCpu(long busyTicks, long totalTicks) {

    static MachineCpu now() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new MachineCpu(total - idle, total);
        } catch (IOException | RuntimeException e) {
            return new MachineCpu(0, 0);
        }
    }

    /** The share of the machine's CPU time that was busy since {@code before}; -1 when unknown. */
    double busySince(MachineCpu before) {
        long total = totalTicks - before.totalTicks;
        return total <= 0 ? -1 : (busyTicks - before.busyTicks) / (double) total;
    }
}
