package io.devagent.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@EnabledOnOs(OS.LINUX)
class AccessProblemTest {

    @TempDir
    Path state;

    @Test
    void saysWhoseFileItIsWhoThisProcessIsAndHowToFixIt() throws Exception {
        Path lock = Files.writeString(state.resolve("agent.lock"), "1");
        Object uid = Files.getAttribute(lock, "unix:uid");
        Object gid = Files.getAttribute(lock, "unix:gid");

        String line = AccessProblem.describe(new AccessDeniedException(lock.toString()), state);

        assertThat(line).isEqualTo("permission denied on " + lock + ": it belongs to uid:gid " + uid + ":" + gid
                + " and this process runs as " + uid + ":" + gid + "; give the state directory to this user (chown -R "
                + uid + ":" + gid + " " + state + "; docker compose's dev-agent-state service does it at each up) or run as uid " + uid);
    }

    @Test
    void aFileThatIsNotThereIsNamedByItsDirectory() {
        Path missing = state.resolve("checkpoints/run-1/lock");

        String line = AccessProblem.describe(new AccessDeniedException(missing.toString()), state);

        assertThat(line).startsWith("permission denied on " + missing + " and this process runs as ").doesNotContain("belongs");
    }
}
