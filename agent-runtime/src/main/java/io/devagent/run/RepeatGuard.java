package io.devagent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.model.ModelReply;
import io.devagent.model.ToolCall;
import io.devagent.model.Tokens;
import io.devagent.tool.Hashes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Notices a model going round in circles: the same call with the same result, again and again
 * among its recent calls. From the third time the result says so; at the fifth the run stops. It
 * is rebuilt from the committed steps on resume, so a resumed run counts as the first one did.
 */
final class RepeatGuard {

    static final int WARN_AT = 3;
    static final int STOP_AT = 5;
    /** How many recent calls are looked at: a call made again much later (after a compaction) is not a loop. */
    private static final int RECENT = 8;
    private static final String NOTE = "\n\n[repeat: ";

    private final Deque<String> recent = new ArrayDeque<>();

    /** Counts this call with this result; returns how many times it is among the recent calls, this one included. */
    int observe(ToolCall call, String output) {
        String key = key(call, strip(output));
        recent.addLast(key);
        if (recent.size() > RECENT) {
            recent.removeFirst();
        }
        return (int) recent.stream().filter(key::equals).count();
    }

    static String note(int times) {
        return NOTE + "this is the " + ordinal(times) + " time you made this same call and got this same result; it will not "
                + "change. Do something else" + (times >= STOP_AT - 1 ? ", or the run stops" : "") + ".]";
    }

    /** The calls and results of committed steps, in order (resume). */
    void replay(List<List<JsonNode>> steps) {
        for (List<JsonNode> step : steps) {
            Map<String, ToolCall> calls = new HashMap<>();
            for (JsonNode message : step) {
                String role = message.path("role").asText();
                if (role.equals("assistant")) {
                    ModelReply reply = ModelReply.fromAssistantMessage(message, Tokens.ZERO, false);
                    reply.toolCalls().forEach(c -> calls.put(c.id(), c));
                } else if (role.equals("tool") && calls.containsKey(message.path("tool_call_id").asText())) {
                    observe(calls.get(message.path("tool_call_id").asText()), message.path("content").asText());
                }
            }
        }
    }

    private static String key(ToolCall call, String output) {
        String arguments = call.arguments() == null ? call.rawArguments() : Json.write(call.arguments());
        return call.name() + '\u0000' + arguments + '\u0000' + Hashes.sha256(output.getBytes(StandardCharsets.UTF_8));
    }

    private static String strip(String output) {
        int at = output.lastIndexOf(NOTE);
        return at < 0 ? output : output.substring(0, at);
    }

    private static String ordinal(int n) {
        return switch (n) {
            case 3 -> "third";
            case 4 -> "fourth";
            case 5 -> "fifth";
            default -> n + "th";
        };
    }
}
