package io.devagent.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FileChangesTest {

    @TempDir
    Path dir;

    @Test
    void aFileWrittenByAnotherThreadEndsTheWaitAndAConditionThatNeverHoldsTimesOut() throws Exception {
        Path status = dir.resolve("status.json");
        CountDownLatch watching = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                watching.await();
                AtomicFiles.write(status, "{\"seq\":1}".getBytes(), false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (FileChanges changes = FileChanges.in(dir)) {
            watching.countDown();
            assertThat(changes.awaitUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(30), () -> Files.exists(status))).isTrue();
            assertThat(changes.awaitUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), () -> Files.exists(dir.resolve("never")))).isFalse();
        }
        writer.join();
    }
}
