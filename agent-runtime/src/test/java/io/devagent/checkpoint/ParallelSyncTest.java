package io.devagent.checkpoint;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelSyncTest {

    @Test
    void runsBothAndReportsEitherFailure() throws Exception {
        AtomicReference<String> second = new AtomicReference<>();
        ParallelSync.both(() -> { }, () -> second.set(Thread.currentThread().getName()));
        assertThat(second.get()).isEqualTo("fsync");

        assertThatThrownBy(() -> ParallelSync.both(() -> { }, () -> {
            throw new IOException("No space left on device");
        })).isInstanceOf(IOException.class).hasMessage("No space left on device");
        assertThatThrownBy(() -> ParallelSync.both(() -> {
            throw new IOException("first");
        }, () -> {
            throw new IOException("second");
        })).hasMessage("first").satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second"));
    }
}
