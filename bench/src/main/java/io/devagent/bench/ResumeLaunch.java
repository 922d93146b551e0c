package io.devagent.bench;

import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code agent checkpoints resume ID} as a new process on a copy of an {@link InterruptedRun},
 * against a {@link ScriptedModelServer} in this JVM that answers the first request with the final
 * answer: timed from {@link ProcessBuilder#start()} to that request's arrival (its body read), and
 * to the process's exit. With {@code watched}, the child also logs its class loads with the
 * monotonic clock this JVM's {@link System#nanoTime()} reads, which {@link StartupPhases} turns
 * into the phases of the resume.
 */
final class ResumeLaunch {

    private static final Duration LIMIT = Duration.ofSeconds(120);

    /** One resume: spawn to first request, spawn to exit, and the phases when watched. */
    record Timing(long firstRequestNanos, long exitNanos, int requestBytes, Optional<StartupPhases> phases) {
    }

    private ResumeLaunch() {
    }

    /**
     * {@code agent} is the command up to its arguments ({@code java -jar agent.jar}, or the
     * {@code ./agent} launcher) and {@code env} what it needs besides the model and the state.
     */
    static Timing run(InterruptedRun original, Path scratch, List<String> agent, Map<String, String> env, boolean watched)
            throws IOException, InterruptedException {
        TempTree.delete(scratch);
        Files.createDirectories(scratch);
        InterruptedRun run = original.copyTo(scratch);
        AtomicLong arrived = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        Reply done = Reply.text("Done: the run was resumed.");
        try (ScriptedModelServer server = ScriptedModelServer.start()) {
            server.script((exchange, request) -> {
                arrived.set(System.nanoTime());
                bytes.set(request.toString().getBytes(StandardCharsets.UTF_8).length);
                done.serve(exchange, request);
            });
            Path log = scratch.resolve("class-load.log");
            List<String> command = new ArrayList<>(agent);
            command.addAll(List.of("checkpoints", "resume", run.runId()));
            Map<String, String> childEnv = new HashMap<>(env);
            childEnv.putAll(Map.of("LLM_BASE_URL", server.baseUrl(), "LLM_MODEL", ScriptedRun.MODEL, "LLM_STREAM", "false",
                    "AGENT_STATE_DIR", run.state().toString(), "AGENT_WORKSPACE", run.workspace().toString()));
            if (watched) {
                // Read by every `java` of JDK 9+, behind the launcher script too; the last JVM started (the agent's) writes the log.
                childEnv.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info,startuptime=info:file=" + log + ":timenanos,uptimenanos");
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile())
                    .redirectOutput(scratch.resolve("resume.out").toFile()).redirectError(scratch.resolve("resume.err").toFile());
            Launch.environment(builder, childEnv);
            long started = System.nanoTime();
            Process process = builder.start();
            try {
                server.awaitChatRequests(1, LIMIT);
            } catch (AssertionError e) {
                process.destroyForcibly();
                throw new IllegalStateException("the resumed process sent no model request within " + LIMIT.toSeconds() + " s; "
                        + output(scratch), e);
            }
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the resumed process did not exit within " + LIMIT.toSeconds() + " s");
            }
            long exited = System.nanoTime();
            if (process.exitValue() != 0 || server.chatRequestCount() != 1) {
                throw new IllegalStateException("the resumed process exited " + process.exitValue() + " after "
                        + server.chatRequestCount() + " model requests; " + output(scratch));
            }
            Optional<StartupPhases> phases = watched ? Optional.of(StartupPhases.read(log, started, arrived.get(), exited)) : Optional.empty();
            return new Timing(arrived.get() - started, exited - started, (int) bytes.get(), phases);
        }
    }

    private static String output(Path scratch) throws IOException {
        return "stdout: " + Files.readString(scratch.resolve("resume.out")).strip() + "; stderr: "
                + Files.readString(scratch.resolve("resume.err")).strip();
    }
}
