package io.devagent.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@EnabledOnOs({OS.LINUX, OS.MAC})
class SignalSenderTest {

    @Test
    void hangupReachesAnotherProcess() throws Exception {
        // sleep does not handle SIGHUP: the default action ends it, and the shell-style status says which signal.
        // The signal goes once the child says it runs: not while the JDK is still starting it.
        Process sleep = new ProcessBuilder("sh", "-c", "echo started; exec sleep 60").start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(sleep.getInputStream())).readLine()).isEqualTo("started");
            SignalSender.hangup(sleep.pid());
            assertThat(sleep.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sleep.exitValue()).isEqualTo(128 + 1);
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aGoneProcessIsSaidInWords() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        long gone = done.pid();
        assertThatThrownBy(() -> SignalSender.hangup(gone))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("no such process");
    }

    @Test
    void aPidThatIsNoProcessIdIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> SignalSender.hangup(0)).hasMessage("pid 0 is not a process id");
        assertThatThrownBy(() -> SignalSender.hangup(-1)).hasMessage("pid -1 is not a process id");
    }
}
