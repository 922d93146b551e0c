package io.devagent.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A person's pause or cancel for a run that its own process (not the main runtime) is running:
 * {@code checkpoints/<run_id>/control.json}, written before that process is sent SIGTERM, so that
 * its signal handler knows what was asked and by whom. The handler takes (reads and deletes) it; a
 * plain SIGTERM finds none and pauses as it always did.
 */
public record ControlRequest(String action, String reason) {

    public static final String PAUSE = "pause";
    public static final String CANCEL = "cancel";

    private static Path file(StateDir state, String runId) {
        return state.checkpointDir(runId).resolve("control.json");
    }

    public void write(StateDir state, String runId) throws IOException {
        byte[] bytes = Json.write(Json.object().put("action", action).put("reason", reason)).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file(state, runId), bytes, true);
    }

    /** The request left for this run, removed as it is read; empty when there is none or it is unreadable. */
    public static Optional<ControlRequest> take(StateDir state, String runId) {
        if (runId == null) {
            return Optional.empty();
        }
        Path file = file(state, runId);
        try {
            JsonNode node = Json.parse(Files.readString(file));
            Files.deleteIfExists(file);
            return Optional.of(new ControlRequest(node.path("action").asText(PAUSE), node.path("reason").asText(null)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
