package io.devagent.approval;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a waiting call would do, as a person reads it before answering: the diff of an edit, the
 * lines a write puts in a file, the command of a shell call; else the arguments.
 */
public final class CallPreview {

    private static final int MAX_LINES = 60;

    private CallPreview() {
    }

    public static String of(String tool, JsonNode arguments, Path workspace) {
        if (arguments == null || !arguments.isObject()) {
            return "";
        }
        String path = arguments.path("path").asText("");
        return switch (tool) {
            case "run_shell" -> "$ " + arguments.path("command").asText("");
            case "edit_file" -> "--- " + path + "\n+++ " + path + "\n"
                    + lines("-", arguments.path("old_string").asText("")) + lines("+", arguments.path("new_string").asText(""))
                    + (arguments.path("replace_all").asBoolean(false) ? "(every occurrence)\n" : "");
            case "write_file" -> writePreview(path, arguments.path("content").asText(""), workspace);
            case "http_fetch" -> "GET " + arguments.path("url").asText("");
            default -> Json.write(arguments);
        };
    }

    private static String writePreview(String path, String content, Path workspace) {
        String before = existing(path, workspace);
        String header = before == null
                ? "--- /dev/null (new file)\n+++ " + path + "\n"
                : "--- " + path + " (" + before.lines().count() + " lines, replaced whole)\n+++ " + path + "\n";
        return header + (before == null ? "" : lines("-", before)) + lines("+", content);
    }

    /** The file's text now, or null when there is none (or it is not readable as text inside the workspace). */
    private static String existing(String path, Path workspace) {
        if (workspace == null || path.isEmpty()) {
            return null;
        }
        Path file = workspace.resolve(path).normalize();
        if (!file.startsWith(workspace) || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String lines(String mark, String text) {
        List<String> lines = text.lines().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(lines.size(), MAX_LINES); i++) {
            out.append(mark).append(lines.get(i)).append('\n');
        }
        if (lines.size() > MAX_LINES) {
            out.append("(").append(lines.size() - MAX_LINES).append(" more lines)\n");
        }
        return out.toString();
    }
}
