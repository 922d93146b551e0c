package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;

/**
 * One LangGraph.js run as the peer reported it and the model server saw it: the wall time taken
 * inside the script, the model requests, the SQLite file sizes, and what the saver stored per step.
 *
 * <p>LangGraph checkpoints every superstep: a dev-agent step (one model request, its tool call) is two
 * supersteps there, {@code 2k-1} (model node) and {@code 2k} (tools node). The bytes of step k are
 * those two checkpoint rows (blob and metadata) and the pending writes of the two tasks, which the saver
 * files under the checkpoint before each ({@code 2k-2}, {@code 2k-1}).
 */
record PeerOutcome(int toolSteps, int steps, int requestsSeen, long elapsedNanos, long setupNanos, long dbBytes, long walBytes,
                   long storedBytes, int checkpoints, Map<Integer, Long> stepBytes, Map<Integer, Long> storedAfter,
                   byte[] firstRequest, byte[] midRequest, int synchronous, JsonNode versions) {

    static PeerOutcome of(int toolSteps, JsonNode reply, int requestsSeen, byte[] firstRequest, byte[] midRequest) {
        Map<Integer, Long> checkpoint = new HashMap<>();
        Map<Integer, Long> writes = new HashMap<>();
        for (JsonNode row : reply.path("rows")) {
            int s = row.path("step").asInt();
            checkpoint.merge(s, row.path("checkpointBytes").asLong() + row.path("metadataBytes").asLong(), Long::sum);
            writes.merge(s, row.path("writeBytes").asLong(), Long::sum);
        }
        int steps = reply.path("steps").asInt();
        Map<Integer, Long> stepBytes = new HashMap<>();
        Map<Integer, Long> storedAfter = new HashMap<>();
        for (int k = 1; k <= steps; k++) {
            stepBytes.put(k, get(checkpoint, 2 * k - 1) + get(checkpoint, 2 * k) + get(writes, 2 * k - 2) + get(writes, 2 * k - 1));
            long total = 0;
            for (var e : checkpoint.entrySet()) {
                total += e.getKey() <= 2 * k ? e.getValue() : 0;
            }
            for (var e : writes.entrySet()) {
                total += e.getKey() <= 2 * k - 1 ? e.getValue() : 0;
            }
            storedAfter.put(k, total);
        }
        return new PeerOutcome(toolSteps, steps, requestsSeen, reply.path("wallNanos").asLong(), reply.path("setupNanos").asLong(),
                reply.path("dbBytes").asLong(), reply.path("walBytes").asLong(), reply.path("storedBytes").asLong(),
                reply.path("checkpoints").asInt(), stepBytes, storedAfter, firstRequest, midRequest,
                reply.path("pragmas").path("synchronous").asInt(), reply.path("versions"));
    }

    private static long get(Map<Integer, Long> bytes, int step) {
        return bytes.getOrDefault(step, 0L);
    }

    double perStepMs() {
        return elapsedNanos / 1e6 / steps;
    }
}
