package io.devagent.cli;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.opentest4j.TestAbortedException;

/**
 * Tools a test needs on the machine: skipped on a developer machine without them (one clear line),
 * failed in CI ({@code CI=true}), where they must be installed.
 */
final class Requirements {

    private Requirements() {
    }

    /** git on the PATH. */
    static void git() {
        require(works("git", "--version"), "git is not installed");
    }

    /** bubblewrap able to make a sandbox here (user namespaces allowed). */
    static void bubblewrap() {
        require(works("bwrap", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "--unshare-net", "/usr/bin/true"),
                "no working bubblewrap (bwrap) here");
    }

    private static void require(boolean present, String why) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(why + ": it must be available in CI");
        }
        throw new TestAbortedException(why);
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
