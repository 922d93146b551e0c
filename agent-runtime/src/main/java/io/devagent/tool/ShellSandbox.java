package io.devagent.tool;

import io.devagent.policy.Globs;
import io.devagent.policy.Policy;
import io.devagent.sandbox.ConfinedProcess;
import io.devagent.sandbox.EgressProxy;
import io.devagent.sandbox.LandlockLauncher;
import io.devagent.sandbox.LandlockRules;
import io.devagent.sandbox.SeccompProgram.Sockets;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which sandbox confines a {@code run_shell} command, and starting the command in it.
 * {@code AGENT_SHELL_SANDBOX}: {@code auto} (default) uses Landlock and seccomp, else bubblewrap,
 * else refuses with the reasons; {@code landlock} and {@code bwrap} insist on one;
 * {@code none} runs commands unconfined, on purpose only.
 */
public final class ShellSandbox {

    static final String PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";

    private ShellSandbox() {
    }

    /** The command running in its sandbox, with what must be undone when it ends. */
    static final class Started implements AutoCloseable {
        final ConfinedProcess process;
        private final Path tempDir;
        private final EgressProxy proxy;

        Started(ConfinedProcess process, Path tempDir, EgressProxy proxy) {
            this.process = process;
            this.tempDir = tempDir;
            this.proxy = proxy;
        }

        /** The connections the shell asked the egress proxy for, one line each; empty without a proxy. */
        List<String> egress() {
            return proxy == null ? List.of() : proxy.attempts().stream().map(Object::toString).toList();
        }

        @Override
        public void close() {
            process.killAll();
            if (proxy != null) {
                proxy.close();
            }
            if (tempDir != null) {
                deleteTree(tempDir);
            }
        }
    }

    /** Starts {@code command} in the workspace under the sandbox the policy and this machine call for, or refuses. */
    static Started start(String command, ToolContext ctx) throws ToolException, IOException {
        String mode = ctx.env().get("AGENT_SHELL_SANDBOX", "auto").toLowerCase(Locale.ROOT);
        Path workspace = ctx.workspace().root();
        Policy.Network network = ctx.policy().network();
        Sockets sockets = !network.allowed() ? Sockets.NONE : network.allowHosts().isEmpty() ? Sockets.ANY : Sockets.TCP_AND_UNIX;
        ProcessBuilder builder = new ProcessBuilder()
                .directory(workspace.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        switch (mode) {
            case "none" -> {
                builder.command(shell(), "-c", command);
                scrubEnvironment(builder.environment());
                Process p = builder.start();
                return new Started(treeOf(p), null, null);
            }
            case "auto", "landlock", "bwrap" -> {
            }
            default -> throw ToolException.failed("AGENT_SHELL_SANDBOX must be auto, landlock, bwrap or none, not '" + mode + "'");
        }
        ProtectedPaths protectedPaths = ProtectedPaths.of(workspace, ctx.policy().files());
        List<Path> denied = protectedPaths.denied();
        List<Path> readOnly = protectedPaths.readOnly();
        Optional<String> landlock = mode.equals("bwrap") ? Optional.of("AGENT_SHELL_SANDBOX=bwrap") : landlockProblem(sockets, denied, ctx);
        // With read-only paths in the workspace (.git by default) bubblewrap mounts just them read-only; Landlock can keep
        // them read-only only by withholding writes on the directories that hold them, so it is taken where bubblewrap cannot run.
        boolean bwrapKeepsMore = mode.equals("auto") && !readOnly.isEmpty() && BubblewrapCommand.problem().isEmpty();
        if (landlock.isEmpty() && !bwrapKeepsMore) {
            return startLandlocked(builder, command, ctx, sockets, network, readOnly);
        }
        Optional<String> bwrap = mode.equals("landlock") ? Optional.of("AGENT_SHELL_SANDBOX=landlock") : BubblewrapCommand.problem();
        if (bwrap.isEmpty()) {
            builder.command(BubblewrapCommand.argv(shell(), command, workspace, sockets == Sockets.ANY, denied, readOnly));
            builder.environment().clear();
            return new Started(treeOf(builder.start()), null, null);
        }
        throw ToolException.denied("refused: run_shell has no sandbox here: Landlock: " + landlock.get() + "; bubblewrap: " + bwrap.get()
                + ". Set AGENT_SHELL_SANDBOX=none to run commands unconfined.");
    }

    /** Why Landlock cannot confine this command as the policy says, or empty. */
    private static Optional<String> landlockProblem(Sockets sockets, List<Path> denied, ToolContext ctx) {
        Optional<String> kernel = LandlockLauncher.problem(sockets);
        if (kernel.isPresent()) {
            return kernel;
        }
        if (!denied.isEmpty()) {
            // Landlock rules only add access: a right on the workspace reaches every file below it, and
            // withholding it from a directory would also withhold it from what the command creates there.
            return Optional.of("the workspace holds paths the policy denies (" + ctx.workspace().root().relativize(denied.get(0))
                    + (denied.size() > 1 ? " and " + (denied.size() - 1) + " more" : "") + "), which Landlock cannot hide inside the workspace");
        }
        Optional<Path> state = ctx.env().get("AGENT_STATE_DIR").map(s -> Path.of(s).toAbsolutePath().normalize());
        if (state.isPresent()) {
            Path s = state.get();
            if (s.startsWith(ctx.workspace().root()) || LandlockLauncher.systemPaths().stream().anyMatch(s::startsWith)) {
                return Optional.of("the state directory " + s + " lies inside a directory the shell may read");
            }
        }
        return Optional.empty();
    }

    private static Started startLandlocked(ProcessBuilder builder, String command, ToolContext ctx, Sockets sockets,
                                           Policy.Network network, List<Path> readOnly) throws IOException {
        Path workspace = ctx.workspace().root();
        Path temp = Files.createTempDirectory("agent-shell-");
        EgressProxy proxy = null;
        try {
            Map<String, String> env = builder.environment();
            env.clear();
            // The runtime's PATH and JDK, so that builds find their tools; without the directories the
            // command cannot read (a shim in the user's home would shadow the system's program).
            List<Path> readable = LandlockLauncher.systemPaths();
            String path = Stream.of(ctx.env().get("PATH", PATH).split(":"))
                    .filter(dir -> dir.startsWith("/") && readable.stream().anyMatch(Path.of(dir)::startsWith))
                    .distinct().collect(java.util.stream.Collectors.joining(":"));
            env.put("PATH", path.isEmpty() ? PATH : path);
            ctx.env().get("JAVA_HOME").ifPresent(home -> env.put("JAVA_HOME", home));
            env.put("HOME", temp.toString());
            env.put("TMPDIR", temp.toString());
            env.put("LANG", "C.UTF-8");
            env.put("TERM", "dumb");
            if (sockets == Sockets.TCP_AND_UNIX) {
                List<String> hosts = network.allowHosts();
                proxy = EgressProxy.start(host -> hosts.stream().anyMatch(glob -> Globs.matchesName(glob.toLowerCase(Locale.ROOT), host)));
                for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")) {
                    env.put(name, proxy.url());
                }
            }
            builder.command(shell(), "-c", command);
            // Landlock only adds rights, and a right on a directory reaches all below it: with read-only paths
            // (.git by default) the workspace is readable as a whole and writable entry by entry around them.
            List<Path> writable = new ArrayList<>(readOnly.isEmpty() ? List.of(workspace) : writableAround(workspace, readOnly));
            writable.add(temp);
            List<Path> readableAll = new ArrayList<>(readable);
            readableAll.add(workspace);
            // A worktree's repository lies outside it (its .git file points there): readable, never writable.
            readOnly.stream().filter(p -> !p.startsWith(workspace)).forEach(readableAll::add);
            LandlockRules rules = new LandlockRules(readableAll, writable, sockets, proxy == null ? 0 : proxy.port());
            return new Started(LandlockLauncher.start(builder, rules), temp, proxy);
        } catch (IOException | RuntimeException e) {
            if (proxy != null) {
                proxy.close();
            }
            deleteTree(temp);
            throw e;
        }
    }

    /** The sandbox the default setting picks on this machine for a command with network off, or why there is none. */
    public static Optional<String> problem() {
        Optional<String> landlock = LandlockLauncher.problem(Sockets.NONE);
        Optional<String> bwrap = BubblewrapCommand.problem();
        return landlock.isEmpty() || bwrap.isEmpty() ? Optional.empty()
                : Optional.of("Landlock: " + landlock.get() + "; bubblewrap: " + bwrap.get());
    }

    /** Why bubblewrap cannot be used here, or empty when it works. */
    public static Optional<String> bwrapProblem() {
        return BubblewrapCommand.problem();
    }

    /** Why the Landlock sandbox cannot be used here with network off, or empty when it can. */
    public static Optional<String> landlockProblem() {
        return LandlockLauncher.problem(Sockets.NONE);
    }

    /**
     * The entries of {@code dir} that may be written when {@code readOnly} paths lie below it: every entry
     * that is not read-only and holds none, and, inside an entry that holds one, the same again. A new entry
     * directly in such a directory cannot be made from the shell (the file tools can).
     */
    static List<Path> writableAround(Path dir, List<Path> readOnly) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                if (readOnly.contains(entry)) {
                    continue;
                }
                boolean holds = readOnly.stream().anyMatch(p -> p.startsWith(entry) && !p.equals(entry));
                if (holds && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    out.addAll(writableAround(entry, readOnly));
                } else if (!Files.isSymbolicLink(entry)) {
                    out.add(entry);
                }
            }
        } catch (IOException ignored) {
            // an unreadable directory stays unwritable
        }
        return out;
    }

    /** The environment for an unconfined command: the runtime's, without secrets. */
    static void scrubEnvironment(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.matches("(?i).*(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIAL).*")
                || name.startsWith("AGENT_") || name.startsWith("LLM_"));
        environment.put("TERM", "dumb");
    }

    /** Ending a process tree as it stands: the whole of it under bubblewrap (its pid namespace), or unconfined. */
    private static ConfinedProcess treeOf(Process process) {
        return new ConfinedProcess() {
            @Override
            public Process process() {
                return process;
            }

            @Override
            public void killAll() {
                // Through the handle: Process.destroy would also close the output the caller is still reading.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.toHandle().destroyForcibly();
            }
        };
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    private static String shell() {
        return Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")) ? "bash" : "sh";
    }
}
