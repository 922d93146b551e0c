package io.devagent.audit;

import io.devagent.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuditVerifierTest {

    private static final String RUN = "run-a";

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void writeLog() throws Exception {
        file = dir.resolve("run-" + RUN + ".jsonl");
        try (AuditLog log = AuditLog.open(file, RUN, Redactor.none())) {
            log.append("run_started", Json.object().put("goal", "fix the build"));
            for (int i = 2; i <= 5; i++) {
                log.append("tool_call", Json.object().put("i", i).put("tool", "run_shell"));
            }
        }
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void rewrite(List<String> lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private void assertBrokenAt(long line, String reasonPart) throws Exception {
        AuditVerifier.Result result = AuditVerifier.verify(file, RUN);
        assertThat(result.ok()).isFalse();
        assertThat(result.badLine()).isEqualTo(line);
        assertThat(result.events()).as("events before the broken line").isEqualTo(line - 1);
        assertThat(result.reason()).containsIgnoringCase(reasonPart);
    }

    @Test
    void anIntactLogIsOkWithItsEventCount() throws Exception {
        AuditVerifier.Result result = AuditVerifier.verify(file, RUN);
        assertThat(result).isEqualTo(new AuditVerifier.Result(true, 5, 0, null, null));
    }

    @Test
    void anEmptyLogIsOkWithNoEvents() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        assertThat(AuditVerifier.verify(empty, RUN)).isEqualTo(new AuditVerifier.Result(true, 0, 0, null, null));
    }

    @Test
    void anEditedFieldValueIsDetectedOnItsLine() throws Exception {
        List<String> lines = lines();
        assertThat(lines.get(2)).contains("\"i\":3");
        lines.set(2, lines.get(2).replace("\"i\":3", "\"i\":9"));
        rewrite(lines);
        assertBrokenAt(3, "hash mismatch");
    }

    @Test
    void anEditedTypeIsDetected() throws Exception {
        List<String> lines = lines();
        lines.set(0, lines.get(0).replace("\"run_started\"", "\"run_resumed\""));
        rewrite(lines);
        assertBrokenAt(1, "hash mismatch");
    }

    @Test
    void anEditedLineWithARecomputedHashBreaksTheNextLinesPrev() throws Exception {
        List<String> lines = lines();
        String edited = lines.get(1).replace("run_shell", "read_file");
        String body = edited.substring(0, edited.lastIndexOf(",\"hash\":\"")) + "}";
        lines.set(1, body.substring(0, body.length() - 1) + ",\"hash\":\"" + AuditLog.sha256(body) + "\"}");
        rewrite(lines);
        assertBrokenAt(3, "prev");
    }

    @Test
    void aDeletedMiddleLineIsDetected() throws Exception {
        List<String> lines = lines();
        lines.remove(2);
        rewrite(lines);
        assertBrokenAt(3, "removed");
    }

    @Test
    void twoSwappedLinesAreDetected() throws Exception {
        List<String> lines = lines();
        String second = lines.get(1);
        lines.set(1, lines.get(2));
        lines.set(2, second);
        rewrite(lines);
        assertBrokenAt(2, "reordered");
    }

    @Test
    void aDuplicatedLineIsDetected() throws Exception {
        List<String> lines = lines();
        lines.add(3, lines.get(2));
        rewrite(lines);
        assertBrokenAt(4, "seq");
    }

    @Test
    void aChangedRunIdIsDetected() throws Exception {
        List<String> lines = lines();
        lines.set(3, lines.get(3).replace("\"run_id\":\"" + RUN + "\"", "\"run_id\":\"run-b\""));
        rewrite(lines);
        assertBrokenAt(4, "hash mismatch");
    }

    @Test
    void theLogOfAnotherRunIsRejected() throws Exception {
        AuditVerifier.Result result = AuditVerifier.verify(file, "run-b");
        assertThat(result.ok()).isFalse();
        assertThat(result.badLine()).isEqualTo(1);
        assertThat(result.reason()).contains("run_id").contains("run-a").contains("run-b");
    }

    @Test
    void aLineWithItsHashRemovedIsDetected() throws Exception {
        List<String> lines = lines();
        String line = lines.get(1);
        lines.set(1, line.substring(0, line.lastIndexOf(",\"hash\":\"")) + "}");
        rewrite(lines);
        assertBrokenAt(2, "no hash");
    }

    @Test
    void aGarbageLineIsDetected() throws Exception {
        List<String> lines = lines();
        lines.add(2, "not json at all");
        rewrite(lines);
        assertBrokenAt(3, "no hash");
    }

    @Test
    void anIncompleteLastLineIsOkWithAWarning() throws Exception {
        Files.writeString(file, "{\"seq\":6,\"ts\":\"2026-", StandardOpenOption.APPEND);
        AuditVerifier.Result result = AuditVerifier.verify(file, RUN);
        assertThat(result.ok()).isTrue();
        assertThat(result.events()).isEqualTo(5);
        assertThat(result.badLine()).isZero();
        assertThat(result.warning()).contains("line 6").contains("incomplete");
    }

    @Test
    void aLastLineCutMidwayIsOkWithAWarning() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 20));
        AuditVerifier.Result result = AuditVerifier.verify(file, RUN);
        assertThat(result.ok()).isTrue();
        assertThat(result.events()).isEqualTo(4);
        assertThat(result.warning()).contains("line 5");
    }

    @Test
    void aNullRunIdSkipsOnlyTheRunIdCheck() throws Exception {
        assertThat(AuditVerifier.verify(file, null).ok()).isTrue();
        List<String> lines = lines();
        lines.remove(1);
        rewrite(lines);
        assertThat(AuditVerifier.verify(file, null).ok()).isFalse();
    }
}
