package io.devagent.sandbox;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * Starts a command confined by Landlock and seccomp, with no native code and no helper process.
 * A fresh platform thread takes no_new_privs, restricts itself with a Landlock ruleset and a
 * seccomp filter (all three are per-thread), and starts the process, which inherits them for good,
 * as does everything it starts. The thread then waits to end the command: with Landlock's signal
 * scoping (ABI 6) it can signal only processes of its own domain, so {@code kill(-1, SIGKILL)} from
 * it kills exactly this command's processes, wherever they were reparented, and nothing else.
 */
public final class LandlockLauncher {

    /** Truncation (ABI 3) must be handled, or a command could truncate the state directory's files. */
    static final int MINIMUM_ABI = 3;
    /** TCP connect rules, for the egress proxy. */
    static final int NETWORK_ABI = 4;
    /** Signal scoping, for killing the whole command. */
    static final int SCOPE_ABI = 6;

    private static final int PR_SET_NO_NEW_PRIVS = 38, PR_SET_SECCOMP = 22, SECCOMP_MODE_FILTER = 2;
    private static final int SIGKILL = 9, ESRCH = 3;

    private static volatile Integer abi;

    private LandlockLauncher() {
    }

    /** The kernel's Landlock ABI, probed once (negative: none, as an errno). */
    public static int abi() {
        Integer known = abi;
        if (known == null) {
            known = Landlock.abi();
            abi = known;
        }
        return known;
    }

    /** Why this sandbox cannot confine a command with these sockets here, or empty when it can. */
    public static Optional<String> problem(SeccompProgram.Sockets sockets) {
        if (Syscalls.TABLE == null) {
            return Optional.of("the Landlock sandbox knows the system calls of x86_64 and aarch64 only, not "
                    + System.getProperty("os.arch"));
        }
        int v = abi();
        if (v < 0) {
            return Optional.of(v == -95 ? "Landlock is turned off in this kernel (lsm= boot parameter)"
                    : "this kernel has no Landlock (Linux 5.13 or newer with CONFIG_SECURITY_LANDLOCK)");
        }
        if (v < MINIMUM_ABI) {
            return Optional.of("this kernel's Landlock is ABI " + v + "; the sandbox needs ABI " + MINIMUM_ABI + " (Linux 6.2)");
        }
        if (sockets == SeccompProgram.Sockets.TCP_AND_UNIX && v < NETWORK_ABI) {
            return Optional.of("this kernel's Landlock is ABI " + v + "; holding the shell to the egress proxy needs ABI "
                    + NETWORK_ABI + " (Linux 6.7)");
        }
        return Optional.empty();
    }

    /** Starts {@code builder}'s command under {@code rules}; the caller checked {@link #problem} first. */
    public static ConfinedProcess start(ProcessBuilder builder, LandlockRules rules) throws IOException {
        CompletableFuture<Process> started = new CompletableFuture<>();
        CountDownLatch end = new CountDownLatch(1);
        int level = abi();
        Thread keeper = Thread.ofPlatform().daemon().name("run_shell-sandbox").unstarted(() -> {
            try {
                restrictThisThread(rules, level);
                started.complete(builder.start());
            } catch (Throwable e) {
                started.completeExceptionally(e);
                return;
            }
            awaitUninterruptibly(end);
            if (level >= SCOPE_ABI) {
                killDomain();
            }
        });
        keeper.start();
        Process process;
        try {
            process = started.get();
        } catch (InterruptedException e) {
            end.countDown();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the sandbox");
        } catch (ExecutionException e) {
            end.countDown();
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot confine the command: " + cause.getMessage(), cause);
        }
        return new ConfinedProcess() {
            @Override
            public Process process() {
                return process;
            }

            @Override
            public void killAll() {
                // The tree as it stands first (the only way below ABI 6), then the whole domain from inside it.
                // Through the handle: Process.destroy would also close the output the caller is still reading.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.toHandle().destroyForcibly();
                end.countDown();
                boolean interrupted = false;
                while (keeper.isAlive()) {
                    try {
                        keeper.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static void restrictThisThread(LandlockRules rules, int level) throws Syscalls.Failure {
        Syscalls.Table t = Syscalls.TABLE;
        boolean proxied = rules.sockets() == SeccompProgram.Sockets.TCP_AND_UNIX;
        // Everything this thread runs after restricting itself is loaded before: once restricted, it could
        // not open a class file outside the readable hierarchies (a test's classes directory, say).
        try (Arena arena = Arena.ofConfined(); Landlock.Ruleset ruleset = new Landlock.Ruleset(level, proxied, level >= SCOPE_ABI)) {
            MemorySegment program = SeccompProgram.encode(SeccompProgram.build(t, rules.sockets()), arena);
            new Syscalls.Failure("preload", 0).getMessage();
            for (Path p : rules.readable()) {
                ruleset.allow(p, Landlock.READ);
            }
            for (Path p : listable()) {
                ruleset.allow(p, Landlock.READ_DIR);
            }
            // Device files: /dev/null, /dev/tty, /dev/urandom; creating entries in /dev stays refused.
            ruleset.allow(Path.of("/dev"), Landlock.READ | Landlock.WRITE_FILE | Landlock.TRUNCATE);
            for (Path p : rules.writable()) {
                ruleset.allow(p, -1L);
            }
            if (proxied && rules.proxyPort() > 0) {
                ruleset.allowConnect(rules.proxyPort());
            }
            Syscalls.call("prctl(PR_SET_NO_NEW_PRIVS)", t.prctl(), PR_SET_NO_NEW_PRIVS, 1, 0, 0);
            ruleset.restrictSelf();
            Syscalls.call("prctl(PR_SET_SECCOMP)", t.prctl(), PR_SET_SECCOMP, SECCOMP_MODE_FILTER, program.address(), 0);
        }
    }

    /**
     * Kills every process this thread may signal: with signal scoping, those of its own Landlock domain
     * (the command's, however they left its tree) and not the runtime nor other commands. Repeated
     * until none is left, since a process may fork while the signal goes round; bounded, since a killed
     * orphan stays a zombie until its new parent reaps it.
     */
    private static void killDomain() {
        for (int round = 0; round < 50; round++) {
            try {
                Syscalls.call("kill", Syscalls.TABLE.kill(), -1, SIGKILL, 0);
            } catch (Syscalls.Failure e) {
                if (e.errno == ESRCH) {
                    return;
                }
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // the command's end is the only way out of this thread
            }
        }
    }

    /** Files of {@code /etc} no command needs and that may hold secrets: password hashes, host keys, sudo rules. */
    private static final java.util.Set<String> ETC_SECRETS = java.util.Set.of("shadow", "shadow-", "gshadow", "gshadow-", "ssh",
            "sudoers", "sudoers.d", "security", "ssl", "credstore", "credstore.encrypted", "machine-id");

    /**
     * The readable system hierarchies: programs, libraries, the kernel's views, this JDK, and each entry
     * of {@code /etc} but its secrets ({@code /etc} itself may only be listed: a right on it would reach them).
     */
    public static List<Path> systemPaths() {
        List<Path> paths = new java.util.ArrayList<>();
        for (String p : List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/sys")) {
            paths.add(Path.of(p));
        }
        // jspawnhelper, which starts every child of a JVM, lives here; and builds need a JDK.
        paths.add(Path.of(System.getProperty("java.home")));
        try (var entries = java.nio.file.Files.list(Path.of("/etc"))) {
            entries.filter(e -> !ETC_SECRETS.contains(e.getFileName().toString())).sorted().forEach(paths::add);
        } catch (java.io.IOException e) {
            // no /etc to read
        }
        // Certificates, for TLS; not the private keys beside them.
        try (var entries = java.nio.file.Files.list(Path.of("/etc/ssl"))) {
            entries.filter(e -> !e.getFileName().toString().equals("private")).sorted().forEach(paths::add);
        } catch (java.io.IOException e) {
            // no certificates here
        }
        return paths;
    }

    /** Directories the shell may list but not read files from directly. */
    static List<Path> listable() {
        return List.of(Path.of("/etc"), Path.of("/etc/ssl"));
    }
}
