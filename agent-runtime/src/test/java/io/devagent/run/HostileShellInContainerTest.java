package io.devagent.run;

import io.devagent.testkit.Prerequisite;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile shell suite run where bubblewrap cannot: inside a container of a real Docker engine,
 * as user 1000, under Docker's default seccomp profile, with no extra privilege and no network but
 * loopback. The suite's classes and their dependencies are mounted read-only; {@link SuiteMain} runs
 * them with {@code CI=true}, so a test that cannot run there fails instead of skipping.
 * The image comes from {@code scripts/sandbox-test-image.sh}.
 */
class HostileShellInContainerTest {

    static final String IMAGE = "dev-agent/sandbox-test:local";

    static final List<String> SUITE = List.of(
            "io.devagent.run.HostileLandlockShellTest",
            "io.devagent.run.HostileNetworkTest",
            "io.devagent.tool.RunShellToolTest",
            "io.devagent.run.HostileShellTest#shellCommandsCannotReadOrWriteOutsideTheWorkspace",
            "io.devagent.run.HostileShellTest#theStateDirectoryIsInvisibleToShellCommands",
            "io.devagent.run.HostileShellTest#aChildThatOutlivesItsShellCommandIsKilledWithIt");

    @Test
    void theHostileShellSuitePassesAsAnUnprivilegedUserUnderDockersDefaultSeccompProfile() throws Exception {
        requireImage();
        List<String> mounts = new ArrayList<>();
        List<String> classpath = new ArrayList<>();
        String[] entries = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).split(File.pathSeparator);
        for (int i = 0; i < entries.length; i++) {
            if (!new File(entries[i]).exists()) {
                continue;
            }
            String inside = "/cp/" + i + (entries[i].endsWith(".jar") ? ".jar" : "");
            mounts.addAll(List.of("-v", entries[i] + ":" + inside + ":ro"));
            classpath.add(inside);
        }
        // The control: the conditions the suite claims to run under.
        String conditions = docker(List.of(), "sh", "-c", "id -u; grep '^Seccomp:' /proc/self/status; command -v bwrap || echo no-bwrap");
        assertThat(conditions).isEqualTo("1000\nSeccomp:\t2\nno-bwrap\n");

        List<String> command = new ArrayList<>(List.of("java", "--enable-native-access=ALL-UNNAMED", "-cp", String.join(":", classpath),
                SuiteMain.class.getName()));
        command.addAll(SUITE);
        String output = docker(mounts, command.toArray(String[]::new));

        assertThat(output).as(output).contains("suite: ok").containsPattern("\\s[1-9][0-9]* tests successful").contains(" 0 tests failed").contains(" 0 tests skipped");
    }

    /** Runs {@code command} in a fresh container of {@link #IMAGE} as user 1000 and returns its output; a non-zero exit fails. */
    private static String docker(List<String> mounts, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none", "--user", "1000:1000",
                "-e", "CI=true", "-e", "HOME=/tmp", "-w", "/tmp"));
        argv.addAll(mounts);
        argv.add(IMAGE);
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("docker run %s:\n%s", String.join(" ", command), output).isZero();
        return output;
    }

    /** Skips without a Docker engine or the image, except in CI, where both must be there. */
    private static void requireImage() throws Exception {
        String problem = null;
        try {
            Process p = new ProcessBuilder("docker", "image", "inspect", IMAGE).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                problem = out.contains("No such image") ? "no image " + IMAGE + " (scripts/sandbox-test-image.sh builds it)"
                        : "no Docker engine answers: " + out.strip().lines().findFirst().orElse("");
            }
        } catch (java.io.IOException e) {
            problem = "no docker client (apt-get install docker.io)";
        }
        Prerequisite.require("the sandbox test image", java.util.Optional.ofNullable(problem));
    }
}
