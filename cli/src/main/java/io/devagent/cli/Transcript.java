package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One audit event as a person reads it in {@code agent logs}: the model's text, each tool call and
 * an excerpt of what it returned, refusals, approvals, reviews, compactions, and how the run ended.
 * Bookkeeping events (requests, checkpoints) are left out; {@code --json} shows everything.
 */
final class Transcript {

    private static final int EXCERPT_LINES = 8;
    private static final int EXCERPT_WIDTH = 160;

    private Transcript() {
    }

    static Optional<String> line(JsonNode event) {
        JsonNode d = event.path("data");
        String step = d.has("step") ? "[step " + d.path("step").asInt() + "] " : "";
        String text = switch (event.path("type").asText()) {
            case "run_started" -> "== run " + event.path("run_id").asText() + " started: " + quote(d.path("goal").asText())
                    + " (model " + d.path("model").asText("?") + ")"
                    + (d.hasNonNull("continued_from") ? "\n   follow-up of run " + d.path("continued_from").asText() : "");
            case "run_resumed" -> "== resumed at step " + d.path("current_step").asInt();
            case "model_response" -> {
                String content = d.path("content").asText("").strip();
                yield content.isEmpty() ? null : step + "model: " + indent(excerpt(content, 20), "  ").stripLeading();
            }
            case "tool_call" -> step + "-> " + d.path("name").asText() + " " + arguments(d.path("arguments").asText(""));
            case "tool_result" -> "   <- " + (d.path("ok").asBoolean() ? "ok" : "error")
                    + " (" + d.path("output_bytes").asLong() + " bytes" + (d.hasNonNull("source") ? ", " + d.path("source").asText() : "") + ")"
                    + "\n" + indent(excerpt(d.path("output").asText(""), EXCERPT_LINES), "      ");
            case "policy_denied" -> "   !! refused by the policy: " + d.path("reason").asText();
            case "approval_requested" -> step + "?? " + d.path("name").asText() + " waits for approval:\n"
                    + indent(excerpt(d.path("preview").asText(""), 30), "      ");
            case "approval_answered" -> "   " + (d.path("approved").asBoolean() ? "ok approved" : "!! denied") + " by "
                    + d.path("by").asText("?") + (d.hasNonNull("reason") ? ": " + d.path("reason").asText() : "");
            case "review" -> d.path("ok").asBoolean(true) ? null
                    : step + "review: " + String.join(" ", texts(d.path("findings")));
            case "compaction" -> step + "context compacted" + details(d);
            case "error" -> step + "error (" + d.path("kind").asText("?") + "): " + d.path("message").asText();
            case "run_paused" -> "== paused at step " + d.path("current_step").asInt() + ": " + d.path("reason").asText();
            case "run_cancelled" -> "== cancelled" + (d.hasNonNull("reason") ? ": " + d.path("reason").asText() : "");
            case "policy_reloaded" -> "== policy " + (d.path("ok").asBoolean() ? "reloaded: version " + d.path("version").asText()
                    : "reload rejected: " + d.path("error").asText());
            case "run_finished" -> "== " + d.path("status").asText() + " after " + d.path("steps").asInt() + " step(s), "
                    + d.path("tokens").asLong() + " tokens"
                    + (d.hasNonNull("message") ? ": " + d.path("message").asText() : "")
                    + (d.hasNonNull("answer") ? "\nanswer:\n" + indent(d.path("answer").asText(), "  ") : "");
            default -> null; // model_request, checkpoint: bookkeeping
        };
        return Optional.ofNullable(text);
    }

    private static String arguments(String raw) {
        String flat = raw.replaceAll("\\s+", " ");
        return flat.length() > EXCERPT_WIDTH ? flat.substring(0, EXCERPT_WIDTH) + "…" : flat;
    }

    private static String details(JsonNode d) {
        List<String> parts = new ArrayList<>();
        d.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("step") && f.getValue().isValueNode()) {
                parts.add(f.getKey() + " " + f.getValue().asText());
            }
        });
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The first lines of a text, each cut to a readable width, with how much was left out. */
    static String excerpt(String text, int maxLines) {
        List<String> lines = text.strip().lines().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(maxLines, lines.size()); i++) {
            String line = lines.get(i);
            out.append(line.length() > EXCERPT_WIDTH ? line.substring(0, EXCERPT_WIDTH) + "…" : line).append('\n');
        }
        if (lines.size() > maxLines) {
            out.append("… ").append(lines.size() - maxLines).append(" more line(s)\n");
        }
        return out.toString().stripTrailing();
    }

    private static String indent(String text, String prefix) {
        return text.lines().map(l -> prefix + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private static String quote(String goal) {
        String flat = goal.replaceAll("\\s+", " ").strip();
        return "\"" + (flat.length() > 120 ? flat.substring(0, 120) + "…" : flat) + "\"";
    }
}
