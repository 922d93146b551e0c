package io.devagent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTest {

    private static final String RUN = "20260101-120000-abcdef";

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("audit").resolve("run-" + RUN + ".jsonl");
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The line without its {@code ,"hash":"…"} member, computed independently of the code under test. */
    private static String withoutHash(String line) {
        int at = line.lastIndexOf(",\"hash\":\"");
        assertThat(at).as("line has a hash member: " + line).isPositive();
        assertThat(line).endsWith("\"}");
        return line.substring(0, at) + "}";
    }

    private static String hashOf(String line) {
        int at = line.lastIndexOf(",\"hash\":\"");
        return line.substring(at + ",\"hash\":\"".length(), line.length() - 2);
    }

    private void appendEvents(int n, int from) throws Exception {
        try (AuditLog log = AuditLog.open(file(), RUN, Redactor.none())) {
            for (int i = from; i < from + n; i++) {
                log.append(i == 1 ? "run_started" : "tool_call", Json.object().put("i", i).put("tool", "read_file"));
            }
            log.sync();
        }
    }

    /** Checks every line's fields, seq, prev and hash and returns the parsed lines. */
    private List<JsonNode> assertChain(int expectedLines) throws Exception {
        String content = Files.readString(file());
        assertThat(content).endsWith("\n");
        List<String> lines = content.lines().toList();
        assertThat(lines).hasSize(expectedLines);
        List<JsonNode> events = new ArrayList<>();
        String previousHash = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            JsonNode event = Json.parse(line);
            List<String> names = new ArrayList<>();
            event.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactly("seq", "ts", "run_id", "type", "data", "prev", "hash");
            assertThat(event.get("seq").asLong()).isEqualTo(i + 1);
            assertThat(event.get("seq").isIntegralNumber()).isTrue();
            assertThat(event.get("run_id").asText()).isEqualTo(RUN);
            assertThat(event.get("data").isObject()).isTrue();
            Instant.parse(event.get("ts").asText());
            if (previousHash == null) {
                assertThat(event.get("prev").isNull()).as("the first prev is null").isTrue();
            } else {
                assertThat(event.get("prev").asText()).isEqualTo(previousHash);
            }
            String hash = event.get("hash").asText();
            assertThat(hash).matches("[0-9a-f]{64}").isEqualTo(hashOf(line));
            assertThat(hash).isEqualTo(sha256(withoutHash(line)));
            previousHash = hash;
            events.add(event);
        }
        return events;
    }

    @Test
    void eachLineHasTheSpecFieldsInOrderAndChainsToThePreviousOne() throws Exception {
        appendEvents(5, 1);
        List<JsonNode> events = assertChain(5);
        assertThat(events.get(0).get("type").asText()).isEqualTo("run_started");
        assertThat(events.get(2).get("data").get("i").asInt()).isEqualTo(3);
        assertThat(events.get(2).get("data").get("tool").asText()).isEqualTo("read_file");
    }

    @Test
    void aNullDataBecomesAnEmptyObject() throws Exception {
        try (AuditLog log = AuditLog.open(file(), RUN, Redactor.none())) {
            log.append("run_finished", null);
        }
        JsonNode event = assertChain(1).get(0);
        assertThat(event.get("data").size()).isZero();
    }

    @Test
    void reopeningContinuesTheChain() throws Exception {
        appendEvents(3, 1);
        try (AuditLog log = AuditLog.open(file(), RUN, Redactor.none())) {
            assertThat(log.lastSeq()).isEqualTo(3);
        }
        appendEvents(2, 4);
        appendEvents(1, 6);
        List<JsonNode> events = assertChain(6);
        assertThat(events.get(5).get("data").get("i").asInt()).isEqualTo(6);
        AuditVerifier.Result result = AuditVerifier.verify(file(), RUN);
        assertThat(result.ok()).isTrue();
        assertThat(result.events()).isEqualTo(6);
    }

    @Test
    void aTornLastLineIsCutOffOnReopenAndTheChainContinues() throws Exception {
        appendEvents(3, 1);
        long intact = Files.size(file());
        String lastHash = hashOf(Files.readAllLines(file()).get(2));
        Files.writeString(file(), "{\"seq\":4,\"ts\":\"2026-01-01T00:00:00Z\",\"run_id\":\"" + RUN + "\",\"type\":\"tool_ca",
                StandardOpenOption.APPEND);

        try (AuditLog log = AuditLog.open(file(), RUN, Redactor.none())) {
            assertThat(Files.size(file())).as("the torn tail is cut on open").isEqualTo(intact);
            assertThat(log.lastSeq()).isEqualTo(3);
            log.append("tool_result", Json.object().put("ok", true));
        }
        List<JsonNode> events = assertChain(4);
        assertThat(events.get(3).get("seq").asLong()).isEqualTo(4);
        assertThat(events.get(3).get("prev").asText()).isEqualTo(lastHash);
        assertThat(AuditVerifier.verify(file(), RUN)).satisfies(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.events()).isEqualTo(4);
            assertThat(r.warning()).isNull();
        });
    }

    @Test
    void aLogThatIsOnlyATornLineStartsAFreshChain() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"seq\":1,\"ts\":");
        try (AuditLog log = AuditLog.open(file(), RUN, Redactor.none())) {
            assertThat(log.lastSeq()).isZero();
            log.append("run_started", Json.object());
        }
        assertChain(1);
    }

    @Test
    void reopeningALongLogOnlyNeedsItsTail() throws Exception {
        // Lines longer than the reader's 8 KiB chunk, so the backwards search crosses chunks.
        try (AuditLog log = AuditLog.open(file(), RUN, Redactor.none())) {
            for (int i = 0; i < 20; i++) {
                log.append("tool_result", Json.object().put("output", "y".repeat(10_000 + i)));
            }
        }
        Files.writeString(file(), "z".repeat(20_000), StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(file(), RUN, Redactor.none())) {
            assertThat(log.lastSeq()).isEqualTo(20);
            log.append("run_finished", Json.object());
        }
        assertChain(21);
    }

    @Test
    void appendRedactsTheDataSoASecretNeverReachesTheFile() throws Exception {
        String envSecret = "s3cr3t-value-from-env-12345";
        String openAiKey = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx";
        Redactor redactor = Redactor.from(new Environment(Map.of("LLM_API_KEY", envSecret)), List.of());
        try (AuditLog log = AuditLog.open(file(), RUN, redactor)) {
            log.append("model_request", Json.object()
                    .put("note", "calling with key " + envSecret)
                    .put("authorization", "Bearer " + envSecret)
                    .set("nested", Json.object().put("deep", "echo " + openAiKey)));
        }
        byte[] bytes = Files.readAllBytes(file());
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(envSecret).doesNotContain(openAiKey).doesNotContain("s3cr3t");
        assertThat(text).contains("calling with key " + Redactor.MASK);
        assertThat(assertChain(1).get(0).get("data").get("nested").get("deep").asText()).isEqualTo("echo " + Redactor.MASK);
    }

    @Test
    void theCallersDataIsNotModifiedByRedaction() throws Exception {
        var data = Json.object().put("token", "abcdefghijkl");
        try (AuditLog log = AuditLog.open(file(), RUN, Redactor.none())) {
            log.append("tool_call", data);
        }
        assertThat(data.get("token").asText()).isEqualTo("abcdefghijkl");
        assertThat(Files.readString(file())).doesNotContain("abcdefghijkl");
    }
}
