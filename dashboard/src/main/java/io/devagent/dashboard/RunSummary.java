package io.devagent.dashboard;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the charts and the reason line need from a whole run's audit log, folded one event at a time:
 * events by type, tokens by step, tool latency by tool, policy denials, errors, compactions, approvals
 * asked and answered, and the last word on why the run stopped. Each line is read with a streaming
 * parser that skips what it does not need (tool outputs, arguments), so folding a 1 GB log costs one
 * pass, and a log that grew costs only its new lines. Not thread-safe: {@link RunSummaries} guards it.
 */
final class RunSummary {

    static final int CHART_BARS = 120;

    private final Map<String, Long> types = new TreeMap<>();
    private final Map<String, LatencyHistogram> tools = new TreeMap<>();
    private final TokenSeries tokens = new TokenSeries();
    private long events;
    private long lastSeq;
    private int lastStep;
    private long promptTotal;
    private long completionTotal;
    private long denials;
    private long errors;
    private long approvalsAsked;
    private long approvalsAnswered;
    private String firstTs;
    private String lastTs;
    private String lastWordType;
    private String lastWord;
    private String lastDenial;
    private String lastError;

    /** The fields of one event that matter here; everything else in the line is skipped unread. */
    private static final class Fields {
        String type;
        String ts;
        long seq;
        int step = -1;
        String name;
        String text;     // reason, message or kind, by event type
        String message;
        Boolean ok;
        double duration = -1;
        long prompt = -1;
        long completion = -1;
        boolean fromJournal;
    }

    void add(String line) {
        byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        add(bytes, 0, bytes.length);
    }

    /** Folds one line, {@code bytes[from, to)}. */
    void add(byte[] bytes, int from, int to) {
        Fields f;
        try {
            f = parse(bytes, from, to);
        } catch (IOException e) {
            f = new Fields();
            f.type = "unreadable";
        }
        events++;
        if (f.seq > 0) {
            lastSeq = f.seq;
        }
        if (f.ts != null) {
            if (firstTs == null) {
                firstTs = f.ts;
            }
            lastTs = f.ts;
        }
        String type = f.type == null ? "unknown" : f.type;
        types.merge(type, 1L, Long::sum);
        if (f.step > lastStep && !"run_finished".equals(type)) {
            lastStep = f.step;
        }
        switch (type) {
            case "model_response" -> {
                if (f.prompt >= 0 || f.completion >= 0) {
                    long p = Math.max(0, f.prompt);
                    long c = Math.max(0, f.completion);
                    tokens.set(f.step, p, c, f.fromJournal);
                    if (!f.fromJournal) {
                        promptTotal += p;
                        completionTotal += c;
                    }
                }
            }
            case "tool_result" -> {
                if (f.duration >= 0) {
                    tools.computeIfAbsent(f.name == null || f.name.isEmpty() ? "(unnamed)" : f.name, k -> new LatencyHistogram())
                            .add(f.duration, !Boolean.FALSE.equals(f.ok));
                }
            }
            case "policy_denied" -> {
                denials++;
                lastDenial = (f.name == null ? "" : f.name + ": ") + (f.text == null ? "" : f.text);
            }
            case "error" -> {
                errors++;
                lastError = (f.text == null ? "error" : f.text) + (f.message == null ? "" : ": " + f.message);
            }
            case "approval_requested" -> approvalsAsked++;
            case "approval_answered" -> approvalsAnswered++;
            case "run_paused", "run_cancelled" -> word(type, f.text);
            case "run_finished" -> word(type, f.message);
            case "run_started", "run_resumed" -> word(type, null);
            default -> {
            }
        }
    }

    private void word(String type, String text) {
        lastWordType = type;
        lastWord = text;
    }

    private static Fields parse(byte[] bytes, int from, int to) throws IOException {
        Fields f = new Fields();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes, from, to - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> f.type = p.getValueAsString();
                    case "ts" -> f.ts = p.getValueAsString();
                    case "seq" -> f.seq = p.getValueAsLong();
                    case "data" -> {
                        if (value == JsonToken.START_OBJECT) {
                            if (data(p, f)) {
                                return f; // all this event's fields are in: the rest of the line (outputs, arguments, hashes) is not read
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        return f;
    }

    /**
     * Whether the fields read so far are all that this event's type needs (the writer puts {@code type}
     * before {@code data}, and the small fields before the large ones). A type that needs a field that
     * may be absent, or comes last, is read to the end.
     */
    private static boolean complete(Fields f) {
        if (f.type == null) {
            return false;
        }
        return switch (f.type) {
            case "tool_result" -> f.name != null && f.ok != null && f.duration >= 0;
            case "model_request", "tool_call", "review", "checkpoint", "compaction", "approval_requested", "approval_answered" -> f.step >= 0;
            default -> false;
        };
    }

    /** Reads the data object's fields; true when it stopped early because {@link #complete} said so. */
    private static boolean data(JsonParser p, Fields f) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "step", "current_step" -> f.step = value.isNumeric() ? p.getIntValue() : f.step;
                case "name" -> f.name = p.getValueAsString();
                case "reason", "kind" -> f.text = p.getValueAsString();
                case "message" -> f.message = p.getValueAsString();
                case "ok" -> f.ok = value == JsonToken.VALUE_TRUE ? Boolean.TRUE : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                case "duration_ms" -> f.duration = value.isNumeric() ? p.getDoubleValue() : -1;
                case "from_journal" -> f.fromJournal = value == JsonToken.VALUE_TRUE;
                case "usage" -> {
                    if (value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String u = p.currentName();
                            JsonToken n = p.nextToken();
                            if ("prompt".equals(u) && n.isNumeric()) {
                                f.prompt = p.getLongValue();
                            } else if ("completion".equals(u) && n.isNumeric()) {
                                f.completion = p.getLongValue();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
            if (complete(f)) {
                return true;
            }
        }
        return false;
    }

    long lastSeq() {
        return lastSeq;
    }

    long denials() {
        return denials;
    }

    boolean awaitingApproval() {
        return approvalsAsked > approvalsAnswered;
    }

    ObjectNode toJson() {
        ObjectNode out = Json.object();
        out.put("events", events).put("last_seq", lastSeq).put("steps", lastStep);
        out.put("first_ts", firstTs).put("last_ts", lastTs);
        out.set("types", Json.MAPPER.valueToTree(types));
        out.set("tokens", Json.object().put("prompt", promptTotal).put("completion", completionTotal)
                .put("total", promptTotal + completionTotal).set("by_step", tokens.toJson(CHART_BARS, lastStep)));
        ObjectNode byTool = out.putObject("tools");
        tools.forEach((name, h) -> byTool.set(name, h.toJson()));
        out.put("denials", denials).put("last_denial", lastDenial);
        out.put("errors", errors).put("last_error", lastError);
        out.put("compactions", types.getOrDefault("compaction", 0L));
        out.set("approvals", Json.object().put("requested", approvalsAsked).put("answered", approvalsAnswered)
                .put("pending", awaitingApproval()));
        out.set("last_word", Json.object().put("type", lastWordType).put("text", lastWord));
        return out;
    }
}
