package io.devagent.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * {@code agent.pid}: the main runtime's pid on the first line and the process's start time
 * (ISO-8601, UTC) on the second, e.g.
 * <pre>
 * 4711
 * 2026-11-24T15:48:07.120Z
 * </pre>
 * The first line alone is the pid, so {@code kill -HUP "$(head -n1 agent.pid)"} and
 * {@code read pid < agent.pid} work. A crash leaves the file behind; it is then stale and must not
 * be trusted: the pid may be gone, or reused by an unrelated process. {@link Owner#alive()} checks
 * both, comparing the recorded start time with the live process's.
 */
public final class PidFile {

    /**
     * Start times are read from {@code /proc} in clock ticks plus the boot time, which two JVMs may
     * see a little apart; a reused pid starts much later than the process that held it before.
     */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

    private PidFile() {
    }

    /** A process named by a pid file: its pid and, when known, when it started. */
    public record Owner(long pid, Instant started) {

        /** This process. */
        public static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(self.pid(), self.info().startInstant().orElse(null));
        }

        /**
         * Whether the process is still the one the file names: alive, and started when the file says
         * (a pid file without a start time is trusted on liveness alone).
         */
        public boolean alive() {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return false;
            }
            if (started == null) {
                return true;
            }
            return handle.get().info().startInstant()
                    .map(actual -> Duration.between(actual, started).abs().compareTo(START_TOLERANCE) <= 0)
                    .orElse(true); // the OS does not say: liveness is all there is to go on
        }

        String text() {
            return pid + "\n" + (started == null ? "" : started + "\n");
        }
    }

    /** The owner the file names; empty when there is no file or it does not hold a pid. */
    public static Optional<Owner> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            if (pid <= 0) {
                return Optional.empty();
            }
            Instant started = null;
            if (lines.size() > 1 && !lines.get(1).isBlank()) {
                started = Instant.parse(lines.get(1).trim());
            }
            return Optional.of(new Owner(pid, started));
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty(); // garbage, e.g. a torn write by something else: not a live runtime
        }
    }

    /** The owner the file names if that process is still alive; a missing or stale file gives empty. */
    public static Optional<Owner> live(Path file) {
        return read(file).filter(Owner::alive);
    }

    /** Writes the file atomically (temporary file, fsync, rename), replacing any stale one. */
    public static void write(Path file, Owner owner) throws IOException {
        AtomicFiles.write(file, owner.text().getBytes(StandardCharsets.UTF_8), true);
    }

    /** Deletes the file if it still names {@code owner}; another process's file is left alone. */
    public static boolean removeIfOwned(Path file, Owner owner) throws IOException {
        Optional<Owner> named = read(file);
        if (named.isPresent() && named.get().pid() == owner.pid()) {
            return Files.deleteIfExists(file);
        }
        return false;
    }
}
