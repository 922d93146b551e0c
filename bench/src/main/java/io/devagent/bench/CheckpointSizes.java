package io.devagent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each committed step adds to a run's files: its journal line (the checkpoint proper), the
 * audit lines that carry its number, and the journal's size once it is committed.
 */
record CheckpointSizes(Map<Integer, Long> journalBytes, Map<Integer, Long> journalTotal, Map<Integer, Long> auditBytes,
                       List<byte[]> stepLines) {

    static CheckpointSizes read(Path journal, Path audit) throws IOException {
        Map<Integer, Long> journalBytes = new HashMap<>();
        Map<Integer, Long> journalTotal = new HashMap<>();
        List<byte[]> stepLines = new ArrayList<>();
        long total = 0;
        for (byte[] line : lines(journal)) {
            total += line.length;
            JsonNode entry = Json.MAPPER.readTree(line);
            if ("step".equals(entry.path("type").asText())) {
                int step = entry.path("step").asInt();
                journalBytes.put(step, (long) line.length);
                journalTotal.put(step, total);
                stepLines.add(line);
            }
        }
        Map<Integer, Long> auditBytes = new HashMap<>();
        for (byte[] line : lines(audit)) {
            JsonNode step = Json.MAPPER.readTree(line).path("data").path("step");
            if (step.isInt()) {
                auditBytes.merge(step.asInt(), (long) line.length, Long::sum);
            }
        }
        return new CheckpointSizes(journalBytes, journalTotal, auditBytes, stepLines);
    }

    /** Mean journal bytes of the tool steps (the final answer's step is left out). */
    double meanToolStepBytes() {
        return stepLines.subList(0, stepLines.size() - 1).stream().mapToInt(l -> l.length).average().orElseThrow();
    }

    /** The tool step's journal line (newline included) whose size is nearest the mean: "an average step line". */
    byte[] averageStepLine() {
        double mean = meanToolStepBytes();
        byte[] best = stepLines.get(0);
        for (byte[] line : stepLines.subList(0, stepLines.size() - 1)) {
            if (Math.abs(line.length - mean) < Math.abs(best.length - mean)) {
                best = line;
            }
        }
        return best;
    }

    /** The file's lines, each with its newline. */
    private static List<byte[]> lines(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                byte[] line = new byte[i + 1 - start];
                System.arraycopy(content, start, line, 0, line.length);
                lines.add(line);
                start = i + 1;
            }
        }
        return lines;
    }
}
