package io.devagent.tool;

import io.devagent.config.Environment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.devagent.policy.Globs;

import java.nio.file.FileVisitResult;
import java.nio.file.LinkOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How {@code run_shell} confines a command. With bubblewrap, the command and all its children see
 * only the system's read-only directories and the workspace (not the state directory), share no
 * network with the host when network is off, and die with the sandbox. Without bubblewrap, shell
 * commands are refused while network is off, because nothing here could keep them offline; set
 * {@code AGENT_SHELL_SANDBOX=none} to run them unconfined on purpose.
 */
public final class ShellSandbox {

    private static volatile Optional<String> bwrapProblem;

    private ShellSandbox() {
    }

    /** The command line that runs {@code command} in {@code workspace}, or a refusal the model can read. */
    static List<String> commandLine(String command, Path workspace, boolean networkAllowed, io.devagent.policy.Policy.Files files,
                                    Environment env)
            throws ToolException {
        String mode = env.get("AGENT_SHELL_SANDBOX", "auto");
        if (mode.equals("none")) {
            return List.of(shell(), "-c", command);
        }
        Optional<String> problem = bwrapProblem();
        if (problem.isPresent()) {
            if (mode.equals("bwrap") || !networkAllowed) {
                throw ToolException.denied("run_shell is unavailable: network is off and this machine has no working sandbox to enforce it ("
                        + problem.get() + "). Install bubblewrap, or set AGENT_SHELL_SANDBOX=none to run commands unconfined.");
            }
            return List.of(shell(), "-c", command);
        }
        // --cap-drop ALL: run by root, bubblewrap would otherwise leave the command every capability, and
        // CAP_SYS_ADMIN alone lets it unmount the masks over the denied files (`umount .env; cat .env`).
        List<String> argv = new ArrayList<>(List.of("bwrap", "--die-with-parent", "--new-session", "--unshare-pid",
                "--unshare-ipc", "--unshare-uts", "--cap-drop", "ALL", "--clearenv"));
        if (!networkAllowed) {
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
        ProtectedPaths paths = ProtectedPaths.of(workspace, files);
        // The policy's read-only paths (.git by default) are mounted read-only: `git log` works, `git commit` cannot write.
        for (Path readOnly : paths.readOnly()) {
            argv.addAll(List.of("--ro-bind", readOnly.toString(), readOnly.toString()));
        }
        // The policy's denied files are hidden inside the sandbox too, so `cat .env` through the shell finds nothing.
        for (Path denied : paths.denied()) {
            if (Files.isDirectory(denied, LinkOption.NOFOLLOW_LINKS)) {
                argv.addAll(List.of("--tmpfs", denied.toString()));
            } else if (!Files.isSymbolicLink(denied)) {
                argv.addAll(List.of("--ro-bind", "/dev/null", denied.toString()));
            }
        }
        argv.addAll(List.of("--chdir", ws,
                "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin",
                "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8", "--setenv", "TERM", "dumb",
                "--setenv", "TMPDIR", "/tmp",
                shell(), "-c", command));
        return argv;
    }

    /** The environment for an unconfined command: the runtime's, without secrets. */
    static void scrubEnvironment(java.util.Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.matches("(?i).*(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIAL).*")
                || name.startsWith("AGENT_") || name.startsWith("LLM_"));
        environment.put("TERM", "dumb");
    }

    /** Why bubblewrap cannot be used here, or empty when it works; probed once per process. */
    public static Optional<String> bwrapProblem() {
        Optional<String> known = bwrapProblem;
        if (known == null) {
            known = probe();
            bwrapProblem = known;
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

    private static String shell() {
        return Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")) ? "bash" : "sh";
    }
}
