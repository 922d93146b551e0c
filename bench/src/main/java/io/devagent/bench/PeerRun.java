package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.testkit.ScriptedModelServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One LangGraph.js run of the scripted benchmark: a new {@link ScriptedModelServer} scripted exactly
 * as {@link ScriptedRun}'s, the peer pointed at it, a new SQLite file in its own directory (removed
 * afterwards: a 1000-step run leaves more than a gigabyte).
 */
final class PeerRun {

    private PeerRun() {
    }

    static PeerOutcome execute(LangGraphPeer peer, Path workDir, Path workspace, int toolSteps, String label, String synchronous)
            throws Exception {
        Path dir = Files.createDirectories(workDir.resolve("langgraph-" + label));
        try (ScriptedModelServer server = ScriptedRun.scriptedServer(toolSteps)) {
            JsonNode reply = peer.run(server.baseUrl(), toolSteps, dir.resolve("checkpoints.db"), workspace, synchronous);
            List<byte[]> requests = server.rawRequests();
            PeerOutcome outcome = PeerOutcome.of(toolSteps, reply, requests.size(), requests.get(0), requests.get(requests.size() / 2));
            if (outcome.steps() != toolSteps + 1 || outcome.requestsSeen() != toolSteps + 1
                    || reply.path("toolCalls").asInt() != toolSteps) {
                throw new IllegalStateException("the LangGraph.js " + toolSteps + "-step run made " + outcome.steps()
                        + " model calls and " + reply.path("toolCalls").asInt() + " tool calls; the server saw "
                        + outcome.requestsSeen() + " requests");
            }
            return outcome;
        } finally {
            TempTree.delete(dir);
        }
    }
}
