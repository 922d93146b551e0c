package io.devagent.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PidFileTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenFileNamesThisLiveProcessWithItsStartTime() throws Exception {
        Path file = dir.resolve("agent.pid");
        PidFile.Owner self = PidFile.Owner.current();

        PidFile.write(file, self);

        assertThat(Files.readAllLines(file).get(0)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(PidFile.read(file)).contains(self);
        assertThat(PidFile.live(file)).contains(self);
        assertThat(dir.toFile().list()).containsExactly("agent.pid"); // no temporary file left
    }

    @Test
    void aPidThatIsGoneIsStale() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path file = dir.resolve("agent.pid");
        PidFile.write(file, new PidFile.Owner(gone.pid(), Instant.now()));

        assertThat(PidFile.read(file)).isPresent();
        assertThat(PidFile.live(file)).isEmpty();
    }

    @Test
    void aReusedPidIsStaleBecauseItsProcessStartedAtAnotherTime() throws Exception {
        Path file = dir.resolve("agent.pid");
        PidFile.Owner self = PidFile.Owner.current();
        PidFile.write(file, new PidFile.Owner(self.pid(), self.started().minus(Duration.ofHours(1))));

        assertThat(PidFile.live(file)).isEmpty();
    }

    @Test
    void aFileWithOnlyAPidIsTrustedOnLiveness() throws Exception {
        Path file = dir.resolve("agent.pid");
        Files.writeString(file, ProcessHandle.current().pid() + "\n");

        assertThat(PidFile.live(file)).map(PidFile.Owner::pid).contains(ProcessHandle.current().pid());
    }

    @Test
    void garbageOrNoFileIsNoOwner() throws Exception {
        Path file = dir.resolve("agent.pid");
        assertThat(PidFile.read(file)).isEmpty();
        Files.writeString(file, "not a pid\n");
        assertThat(PidFile.read(file)).isEmpty();
        Files.writeString(file, "42\nnot a time\n");
        assertThat(PidFile.read(file)).isEmpty();
    }

    @Test
    void onlyTheOwnerRemovesTheFile() throws Exception {
        Path file = dir.resolve("agent.pid");
        PidFile.Owner other = new PidFile.Owner(ProcessHandle.current().pid() + 1, Instant.now());
        PidFile.write(file, other);

        assertThat(PidFile.removeIfOwned(file, PidFile.Owner.current())).isFalse();
        assertThat(file).exists();
        assertThat(PidFile.removeIfOwned(file, other)).isTrue();
        assertThat(file).doesNotExist();
    }
}
