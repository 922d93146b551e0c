package io.devagent.workspace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The git command line, run with an environment of its own. The shadow repository is reached
 * through {@code GIT_DIR}, {@code GIT_INDEX_FILE} and {@code GIT_WORK_TREE}, so git never looks
 * for, reads the index of, or writes to the repository the user works in. The user's global and
 * system configuration are left out: their hooks, aliases and signing settings must not run on
 * snapshots.
 */
final class Git {

    /** What a finished git command gave back. */
    record Result(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }

        boolean ok() {
            return exit == 0;
        }
    }

    private final Map<String, String> env;
    private final Path directory;

    private Git(Map<String, String> env, Path directory) {
        this.env = env;
        this.directory = directory;
    }

    /** Git on a shadow repository whose work tree is {@code workTree}. */
    static Git shadow(Path gitDir, Path indexFile, Path workTree) {
        return new Git(Map.of("GIT_DIR", gitDir.toString(), "GIT_INDEX_FILE", indexFile.toString(),
                "GIT_WORK_TREE", workTree.toString()), workTree);
    }

    /** Git on a shadow repository without a work tree (reading objects and refs). */
    static Git bare(Path gitDir) {
        return new Git(Map.of("GIT_DIR", gitDir.toString()), gitDir);
    }

    /** Git in {@code directory} without the user's configuration (creating the shadow repository, merging files). */
    static Git isolated(Path directory) {
        return new Git(Map.of("GIT_CONFIG_GLOBAL", "/dev/null", "GIT_CONFIG_NOSYSTEM", "1"), directory);
    }

    /** Git as the user would run it in {@code directory} (their repository, their configuration). */
    static Git user(Path directory) {
        return new Git(Map.of(), directory);
    }

    Git withEnv(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(more);
        return new Git(Map.copyOf(all), directory);
    }

    Result run(String... args) throws WorkspaceException {
        return run(null, args);
    }

    /** Runs git with {@code input} on its standard input. */
    Result run(byte[] input, String... args) throws WorkspaceException {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "core.quotePath=false", "-c", "core.autocrlf=false",
                "-c", "gc.auto=0", "-c", "maintenance.auto=false", "-c", "core.fsmonitor=false"));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(directory.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("GIT_"));
        environment.put("GIT_TERMINAL_PROMPT", "0");
        environment.put("LC_ALL", "C");
        environment.putAll(env);
        if (env.containsKey("GIT_DIR")) {
            // The shadow repository does not take the user's configuration (hooks, signing, aliases).
            environment.put("GIT_CONFIG_GLOBAL", "/dev/null");
            environment.put("GIT_CONFIG_NOSYSTEM", "1");
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new WorkspaceException("git is needed for workspace snapshots and could not be started: " + e.getMessage());
        }
        try {
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input);
                }
            } else {
                process.getOutputStream().close();
            }
            byte[] out = process.getInputStream().readAllBytes();
            int exit = process.waitFor();
            return new Result(exit, out, new String(err.join(), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            process.destroyForcibly();
            throw new WorkspaceException("git failed: " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new WorkspaceException("interrupted while git was running");
        }
    }

    /** Runs git and wants success; the error names what was being done. */
    Result check(String doing, String... args) throws WorkspaceException {
        Result result = run(args);
        if (!result.ok()) {
            String why = result.err().isEmpty() ? "exit " + result.exit() : firstLine(result.err());
            throw new WorkspaceException("cannot " + doing + ": " + why);
        }
        return result;
    }

    static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
