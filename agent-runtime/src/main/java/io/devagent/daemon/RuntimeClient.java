package io.devagent.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;
import io.devagent.run.RunResult;
import io.devagent.state.PidFile;
import io.devagent.state.StateDir;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The client side of {@link Protocol}: hands a goal (or a resume) to the main runtime and follows it.
 * One instance is one connection and one request.
 */
public final class RuntimeClient implements Closeable {

    /** What the follower hears while the run goes on. */
    public interface Listener {
        void started(String runId, boolean resumed);

        default void progress(int step, long totalTokens, String activity) {
        }
    }

    /** How following a handed-over run ended. */
    public sealed interface Outcome {
        /** The run ended (succeeded, failed, or paused) in the runtime. */
        record Finished(RunResult result) implements Outcome {
        }

        /** {@code detach}: the run started and goes on in the runtime. */
        record Detached(String runId) implements Outcome {
        }

        /** The runtime refused or could not start the run; {@code exitCode} is the CLI's. */
        record Refused(String message, int exitCode) implements Outcome {
        }

        /** The connection ended without a result; {@code runId} is null if the run had not started. */
        record Lost(String runId, String why) implements Outcome {
        }
    }

    private final SocketChannel channel;
    private final PidFile.Owner runtime;

    private RuntimeClient(SocketChannel channel, PidFile.Owner runtime) {
        this.channel = channel;
        this.runtime = runtime;
    }

    /** The main runtime alive for this state directory, if any: {@code agent.pid} names a live process. */
    public static Optional<PidFile.Owner> runtime(StateDir state) {
        return PidFile.live(state.pidFile());
    }

    /** Connects to the runtime's socket; fails when the socket does not answer. */
    public static RuntimeClient connect(StateDir state, PidFile.Owner runtime) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(state.socket()));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new RuntimeClient(channel, runtime);
    }

    /** The runtime this client talks to. */
    public PidFile.Owner runtime() {
        return runtime;
    }

    /**
     * Sends a {@code run} or {@code resume} request and follows it to its result, or, with
     * {@code detach} in the request, until it has started.
     */
    public Outcome follow(ObjectNode request, Listener listener) throws IOException {
        boolean detach = request.path("detach").asBoolean(false);
        send(request);
        BufferedReader in = reader();
        String runId = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event;
            try {
                event = Json.parse(line);
            } catch (JsonProcessingException e) {
                return new Outcome.Lost(runId, "the main runtime sent something that is not JSON");
            }
            switch (event.path("event").asText()) {
                case Protocol.STARTED -> {
                    runId = event.path("run_id").asText();
                    listener.started(runId, event.path("resumed").asBoolean(false));
                    if (detach) {
                        return new Outcome.Detached(runId);
                    }
                }
                case Protocol.PROGRESS -> listener.progress(event.path("step").asInt(), event.path("tokens").asLong(),
                        event.path("activity").asText(""));
                case Protocol.RESULT -> {
                    return new Outcome.Finished(Protocol.resultOf(event));
                }
                case Protocol.ERROR -> {
                    return new Outcome.Refused(event.path("message").asText("the main runtime refused the request"),
                            event.path("exit_code").asInt(Protocol.EXIT_FAILED));
                }
                default -> {
                    // an event this client does not know: newer runtimes may add some
                }
            }
        }
        return new Outcome.Lost(runId, "the connection to the main runtime closed");
    }

    /**
     * Pauses or cancels one run ({@link Protocol#PAUSE}, {@link Protocol#CANCEL}): true once the runtime has
     * done it, false when the runtime does not run it.
     */
    public boolean control(String op, String runId, String reason) throws IOException {
        send(Protocol.controlRequest(op, runId, reason));
        String line = reader().readLine();
        if (line == null) {
            throw new IOException("the main runtime closed the connection");
        }
        JsonNode answer = Json.parse(line);
        return switch (answer.path("event").asText()) {
            case Protocol.CONTROLLED -> true;
            case Protocol.NOT_HERE -> false;
            default -> throw new IOException(answer.path("message").asText("the main runtime refused the request"));
        };
    }

    /** Asks the runtime who it is: {@code {"event":"pong","pid","workspace","runs"}}. */
    public JsonNode ping() throws IOException {
        send(Protocol.pingRequest());
        String line = reader().readLine();
        if (line == null) {
            throw new IOException("the main runtime closed the connection");
        }
        return Json.parse(line);
    }

    private void send(ObjectNode request) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private BufferedReader reader() {
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
