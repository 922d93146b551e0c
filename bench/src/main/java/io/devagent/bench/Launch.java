package io.devagent.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One way of starting a process, timed from {@link ProcessBuilder#start()} to its exit. Output goes
 * to files (no reader threads competing with the child for the CPUs) and is checked afterwards, so
 * that a launch that failed is an error, not a fast figure.
 */
record Launch(String label, List<String> command, Map<String, String> env, String expectedOutput) {

    private static final long LIMIT_SECONDS = 120;

    /** Nanoseconds from spawn to exit. */
    long time(Path scratch) throws IOException, InterruptedException {
        Path out = scratch.resolve("launch.out");
        Path err = scratch.resolve("launch.err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        environment(builder, env);
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(label + " did not exit within " + LIMIT_SECONDS + " s");
        }
        long took = System.nanoTime() - started;
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || !(stdout + stderr).contains(expectedOutput)) {
            throw new IllegalStateException(label + " (" + String.join(" ", command) + ") exited " + process.exitValue()
                    + " without '" + expectedOutput + "'; stdout: " + stdout.strip() + "; stderr: " + stderr.strip());
        }
        return took;
    }

    /** A small, explicit environment: what the benchmark sets plus what any process needs, nothing inherited by chance. */
    static void environment(ProcessBuilder builder, Map<String, String> env) {
        Map<String, String> inherited = builder.environment();
        Map<String, String> kept = new java.util.HashMap<>();
        for (String name : List.of("PATH", "HOME", "LANG", "TMPDIR", "USER")) {
            String value = inherited.get(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        inherited.clear();
        inherited.putAll(kept);
        inherited.putAll(env);
    }
}
