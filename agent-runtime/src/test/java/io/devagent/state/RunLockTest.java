package io.devagent.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RunLockTest {

    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLockHeldByAnotherProcessIsRefusedUntilThatProcessIsKilled() throws Exception {
        Path lockFile = dir.resolve("checkpoints").resolve("run-1").resolve("lock");
        Process holder = start("hold", lockFile);
        String first = firstLine(holder);
        assertThat(first).startsWith("locked ");
        String holderPid = first.substring("locked ".length());
        assertThat(holderPid).isEqualTo(Long.toString(holder.pid()));

        assertThat(RunLock.tryAcquire(lockFile)).isEmpty();
        assertThat(RunLock.holder(lockFile)).isEqualTo(holderPid);
        assertThat(holder.isAlive()).as("the holder is still alive, so the refusal was because of its lock").isTrue();

        holder.destroyForcibly(); // kill -9: no shutdown hooks, no close()
        assertThat(holder.onExit().get(WAIT_SECONDS, TimeUnit.SECONDS).isAlive()).isFalse();

        Optional<RunLock> mine = RunLock.tryAcquire(lockFile);
        assertThat(mine).as("the OS dropped the dead holder's lock").isPresent();
        try (RunLock lock = mine.get()) {
            assertThat(RunLock.holder(lockFile)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            // and now the other process is the one refused
            Process probe = start("probe", lockFile);
            assertThat(firstLine(probe)).isEqualTo("refused");
        }
    }

    @Test
    void releasingTheLockLetsAnotherProcessTakeIt() throws Exception {
        Path lockFile = dir.resolve("lock");
        Optional<RunLock> lock = RunLock.tryAcquire(lockFile);
        assertThat(lock).isPresent();
        assertThat(firstLine(start("probe", lockFile))).isEqualTo("refused");
        lock.get().close();
        assertThat(firstLine(start("probe", lockFile))).isEqualTo("acquired");
    }

    @Test
    void aSecondAcquireInTheSameProcessIsRefused() throws Exception {
        Path lockFile = dir.resolve("lock");
        try (RunLock lock = RunLock.tryAcquire(lockFile).orElseThrow()) {
            assertThat(RunLock.tryAcquire(lockFile)).isEmpty();
            assertThat(RunLock.holder(lockFile)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
        // released: it can be taken again
        try (RunLock again = RunLock.tryAcquire(lockFile).orElseThrow()) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void manyThreadsTakingTheSameLockAtOnceGetItOnceAndOtherLocksStayIndependent() throws Exception {
        Path lockFile = dir.resolve("lock");
        int threads = 16;
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        java.util.List<CompletableFuture<java.util.Optional<RunLock>>> attempts = new java.util.ArrayList<>();
        for (int i = 0; i < threads; i++) {
            attempts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    gate.await();
                    return RunLock.tryAcquire(lockFile);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        gate.countDown();
        java.util.List<RunLock> taken = new java.util.ArrayList<>();
        for (var attempt : attempts) {
            attempt.get(WAIT_SECONDS, TimeUnit.SECONDS).ifPresent(taken::add);
        }
        assertThat(taken).hasSize(1);
        try (RunLock other = RunLock.tryAcquire(dir.resolve("other")).orElseThrow()) {
            assertThat(firstLine(start("probe", lockFile))).as("still held against other processes").isEqualTo("refused");
        } finally {
            taken.get(0).close();
        }
        assertThat(firstLine(start("probe", lockFile))).isEqualTo("acquired");
    }

    @Test
    void aRefusedAttemptInTheSameProcessDoesNotDropTheLockItHolds() throws Exception {
        // POSIX record locks belong to the process: closing any descriptor of the file drops them.
        // A refused second attempt (or asking who holds it) must not hand the run to another process.
        Path lockFile = dir.resolve("lock");
        try (RunLock lock = RunLock.tryAcquire(lockFile).orElseThrow()) {
            assertThat(RunLock.tryAcquire(lockFile)).isEmpty();
            RunLock.holder(lockFile);
            assertThat(firstLine(start("probe", lockFile))).isEqualTo("refused");
        }
    }

    private Process start(String mode, Path lockFile) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = String.join(File.pathSeparator,
                codeSource(LockHolder.class), codeSource(RunLock.class), System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "-cp", classpath, LockHolder.class.getName(), mode, lockFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        children.add(p);
        return p;
    }

    private static String codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The child's first line of output, waiting a bounded time for it. */
    private static String firstLine(Process p) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(line).as("output of the child JVM").isNotNull();
        return line;
    }

    @Test
    void theLockFileRecordsTheHoldersPidAndItsDirectoriesAreCreated() throws Exception {
        Path lockFile = dir.resolve("a").resolve("b").resolve("lock");
        try (RunLock lock = RunLock.tryAcquire(lockFile).orElseThrow()) {
            assertThat(Files.readString(lockFile)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
        assertThat(RunLock.holder(dir.resolve("missing"))).isEqualTo("?");
    }
}
