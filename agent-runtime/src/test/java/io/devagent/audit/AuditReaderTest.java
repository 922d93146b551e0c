package io.devagent.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** Pages of a long audit log, found by seeking (tail from the end, a seq by binary search), and following it as it grows. */
class AuditReaderTest {

    private static final int EVENTS = 20_000;

    @TempDir
    Path dir;
    Path file;
    /** The byte offset at which each line starts, worked out from the file independently of the reader. */
    final List<Long> starts = new ArrayList<>();

    @BeforeEach
    void write() throws Exception {
        file = dir.resolve("run-r.jsonl");
        try (AuditLog log = AuditLog.open(file, "r", Redactor.none())) {
            for (int i = 1; i <= EVENTS; i++) {
                // Lines of very different lengths, so that offsets are not a multiple of anything.
                ObjectNode data = Json.object().put("i", i).put("pad", "x".repeat((i * 7919) % 900));
                log.append(i % 5 == 0 ? "checkpoint" : "tool_call", data);
            }
            log.sync();
        }
        byte[] bytes = Files.readAllBytes(file);
        starts.add(0L);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && i + 1 < bytes.length) {
                starts.add((long) i + 1);
            }
        }
        assertThat(starts).hasSize(EVENTS);
        assertThat(bytes.length).isGreaterThan(4 * 1024 * 1024); // well past the binary search's scan window
    }

    private static List<Long> seqs(List<AuditReader.Event> events) {
        return events.stream().map(AuditReader.Event::seq).toList();
    }

    @Test
    void theTailIsTheLastEvents() throws Exception {
        AuditReader.Page tail = AuditReader.tail(file, 5);
        assertThat(seqs(tail.events())).containsExactly(19_996L, 19_997L, 19_998L, 19_999L, 20_000L);
        assertThat(tail.before()).isTrue();
        assertThat(tail.after()).isFalse();
        assertThat(tail.lastSeq()).isEqualTo(EVENTS);
        assertThat(tail.endOffset()).isEqualTo(Files.size(file));
        assertThat(tail.events().get(4).json().path("data").path("i").asInt()).isEqualTo(EVENTS);

        AuditReader.Page all = AuditReader.tail(file, EVENTS + 10);
        assertThat(all.events()).hasSize(EVENTS);
        assertThat(all.before()).isFalse();
        assertThat(all.events().get(0).seq()).isEqualTo(1);
    }

    @Test
    void aSeqIsFoundByItsOffset() throws Exception {
        for (long seq : new long[] {1, 2, 3, 777, 4_096, 10_000, 13_337, 19_999, 20_000}) {
            assertThat(AuditReader.offsetOf(file, seq)).as("seq " + seq).isEqualTo(starts.get((int) seq - 1));
            AuditReader.Page page = AuditReader.from(file, seq, 3);
            List<Long> expected = new ArrayList<>();
            for (long s = seq; s < seq + 3 && s <= EVENTS; s++) {
                expected.add(s);
            }
            assertThat(seqs(page.events())).as("from " + seq).isEqualTo(expected);
            assertThat(page.before()).isEqualTo(seq > 1);
            assertThat(page.after()).isEqualTo(seq + 3 <= EVENTS);
        }
        assertThat(AuditReader.offsetOf(file, EVENTS + 1)).isEqualTo(Files.size(file));
        assertThat(AuditReader.from(file, EVENTS + 1, 10).events()).isEmpty();
        assertThat(AuditReader.from(file, 0, 2).events()).extracting(AuditReader.Event::seq).containsExactly(1L, 2L);
    }

    @Test
    void followingReadsEachCompleteLineOnceInPieces() throws Exception {
        long offset = 0;
        List<Long> seen = new ArrayList<>();
        int reads = 0;
        AuditReader.Chunk chunk;
        do {
            chunk = AuditReader.readFrom(file, offset, 64 * 1024);
            seen.addAll(seqs(chunk.events()));
            offset = chunk.nextOffset();
            reads++;
        } while (chunk.more());
        assertThat(reads).isGreaterThan(10);
        assertThat(seen).hasSize(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            assertThat(seen.get(i)).isEqualTo(i + 1L);
        }
        assertThat(offset).isEqualTo(Files.size(file));
        assertThat(AuditReader.readFrom(file, offset, 64 * 1024).events()).isEmpty();
    }

    @Test
    void aLineStillBeingWrittenIsLeftForLater() throws Exception {
        long end = Files.size(file);
        String next;
        try (AuditLog log = AuditLog.open(dir.resolve("scratch.jsonl"), "r", Redactor.none())) {
            log.append("run_finished", Json.object().put("status", "succeeded"));
        }
        next = Files.readString(dir.resolve("scratch.jsonl"));
        String half = next.substring(0, next.length() / 2);
        Files.writeString(file, half, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(AuditReader.end(file)).isEqualTo(end);
        assertThat(AuditReader.tail(file, 1).events().get(0).seq()).isEqualTo(EVENTS);
        AuditReader.Chunk torn = AuditReader.readFrom(file, end, 64 * 1024);
        assertThat(torn.events()).isEmpty();
        assertThat(torn.nextOffset()).isEqualTo(end);

        Files.writeString(file, next.substring(next.length() / 2), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        AuditReader.Chunk whole = AuditReader.readFrom(file, end, 64 * 1024);
        assertThat(whole.events()).hasSize(1);
        assertThat(whole.events().get(0).json().path("type").asText()).isEqualTo("run_finished");
        assertThat(whole.nextOffset()).isEqualTo(Files.size(file));
    }

    @Test
    void missingRotatedAndDamagedLogs() throws Exception {
        Path missing = dir.resolve("none.jsonl");
        assertThat(AuditReader.tail(missing, 10).events()).isEmpty();
        assertThat(AuditReader.from(missing, 1, 10).events()).isEmpty();
        assertThat(AuditReader.readFrom(missing, 0, 1024).nextOffset()).isZero();
        assertThat(AuditReader.readFrom(missing, 500, 1024).nextOffset()).isEqualTo(-1); // it was there, and is gone
        assertThat(AuditReader.readFrom(file, Files.size(file) + 1, 1024).nextOffset()).isEqualTo(-1); // it shrank

        Files.writeString(file, "this is not json\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        AuditReader.Event last = AuditReader.tail(file, 1).events().get(0);
        assertThat(last.json().path("type").asText()).isEqualTo("unreadable");
        assertThat(last.json().path("data").path("line").asText()).isEqualTo("this is not json");
        assertThat(seqs(AuditReader.tail(file, 2).events())).containsExactly(20_000L, 0L);
    }
}
