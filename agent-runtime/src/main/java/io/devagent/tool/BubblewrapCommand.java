package io.devagent.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bubblewrap sandbox, the fallback where Landlock is missing: the command and its children see
 * only the system's read-only directories and the workspace, share no network with the host
 * (with network on through allowHosts too: bubblewrap cannot hold a shell to the egress proxy), and
 * die with the sandbox. It needs unprivileged user namespaces.
 */
final class BubblewrapCommand {

    private static volatile Optional<String> problem;

    private BubblewrapCommand() {
    }

    /** The command line; {@code hostNetwork}: share the host's network (network on, no host list). */
    static List<String> argv(String shell, String command, Path workspace, boolean hostNetwork, List<Path> denied, List<Path> readOnly) {
        // --cap-drop ALL: run by root, bubblewrap would otherwise leave the command every capability, and
        // CAP_SYS_ADMIN alone lets it unmount the masks over the denied files (`umount .env; cat .env`).
        List<String> argv = new ArrayList<>(List.of("bwrap", "--die-with-parent", "--new-session", "--unshare-pid",
                "--unshare-ipc", "--unshare-uts", "--cap-drop", "ALL", "--clearenv"));
        if (!hostNetwork) {
            argv.add("--unshare-net");
        }
        argv.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64")) {
            Path p = Path.of(top);
            if (Files.isSymbolicLink(p)) {
                try {
                    argv.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } catch (IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(p)) {
                argv.addAll(List.of("--ro-bind", top, top));
            }
        }
        // The parts of /etc that programs need to run, resolve names and check TLS; not the rest of it.
        for (String etc : List.of("/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ssl",
                "/etc/ca-certificates", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/resolv.conf",
                "/etc/localtime", "/etc/gitconfig", "/etc/mime.types")) {
            argv.addAll(List.of("--ro-bind-try", etc, etc));
        }
        String ws = workspace.toString();
        argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", ws, ws));
        for (Path p : readOnly) {
            if (!Files.isSymbolicLink(p)) {
                argv.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        }
        // The policy's denied files are hidden inside the sandbox too, so `cat .env` through the shell finds nothing.
        for (Path p : denied) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                argv.addAll(List.of("--tmpfs", p.toString()));
            } else if (!Files.isSymbolicLink(p)) {
                argv.addAll(List.of("--ro-bind", "/dev/null", p.toString()));
            }
        }
        argv.addAll(List.of("--chdir", ws,
                "--setenv", "PATH", ShellSandbox.PATH,
                "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8", "--setenv", "TERM", "dumb",
                "--setenv", "TMPDIR", "/tmp",
                shell, "-c", command));
        return argv;
    }

    /** Why bubblewrap cannot be used here, or empty when it works; probed once per process. */
    static Optional<String> problem() {
        Optional<String> known = problem;
        if (known == null) {
            known = probe();
            problem = known;
        }
        return known;
    }

    private static Optional<String> probe() {
        try {
            Process p = new ProcessBuilder("bwrap", "--unshare-net", "--unshare-pid", "--die-with-parent", "--cap-drop", "ALL",
                    "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                    "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "/usr/bin/true")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("bubblewrap did not start in time");
            }
            return p.exitValue() == 0 ? Optional.empty()
                    : Optional.of("bubblewrap cannot create a sandbox here: " + (output.isEmpty() ? "exit " + p.exitValue() : output));
        } catch (IOException e) {
            return Optional.of("bubblewrap (bwrap) is not installed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while probing bubblewrap");
        }
    }
}
