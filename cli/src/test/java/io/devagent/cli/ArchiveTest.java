package io.devagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.devagent.state.PidFile;
import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent archive} (runbook §5) and the release evidence the main runtime installs. */
@ExtendWith(CliHarness.class)
class ArchiveTest {

    ScriptedModelServer server;
    CliFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx.vars.put("LLM_MODEL", "scripted-model");
    }

    @Test
    void finishedRunsAreArchivedVerifiedAndRunsInFlightAreLeftAlone() throws Exception {
        CountDownLatch archivedFirst = new CountDownLatch(1); // the slow run stays in flight until the archive is done
        server.selectBy(ScriptedModelServer.Selector.REQUEST_COUNT).script(
                Reply.toolCall("list_files", "{\"path\":\".\"}"), Reply.text("first done"),
                Reply.text("second done"),
                (exchange, request) -> {
                    try {
                        archivedFirst.await(CliFixture.DEADLINE.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Reply.text("slow one done").serve(exchange, request);
                });
        assertThat(fx.agent("run", "first", "--run-id", "done-1").exit()).isZero();
        assertThat(fx.agent("run", "second", "--run-id", "done-2").exit()).isZero();
        byte[] original = Files.readAllBytes(fx.state.resolve("audit/run-done-1.jsonl"));
        // done-2's log is tampered with: it must be reported and left where it is.
        Path tampered = fx.state.resolve("audit/run-done-2.jsonl");
        Files.writeString(tampered, Files.readString(tampered).replace("second", "SECOND"));
        CompletableFuture<CliFixture.Outcome> inFlight = CompletableFuture.supplyAsync(() -> fx.agent("run", "slow", "--run-id", "busy"));
        server.awaitChatRequests(4, java.time.Duration.ofSeconds(30));

        CliFixture.Outcome archived = fx.agent("archive", "--older-than", "0", "--json");

        assertThat(archived.exit()).as(archived.err()).isEqualTo(1); // one chain was broken
        JsonNode report = Json.parse(archived.out());
        assertThat(report.path("archived")).extracting(JsonNode::asText).containsExactly("done-1");
        assertThat(report.path("broken").get(0).asText()).startsWith("done-2: line");
        assertThat(report.path("skipped").toString()).contains("busy (running)");
        Path dir = Path.of(report.path("directory").asText());
        assertThat(dir.getParent()).isEqualTo(fx.state.resolve("archive"));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("run-done-1.jsonl.gz")))) {
            assertThat(in.readAllBytes()).isEqualTo(original);
        }
        assertThat(fx.state.resolve("audit/run-done-1.jsonl")).doesNotExist();
        assertThat(tampered).exists();
        assertThat(fx.state.resolve("audit/run-busy.jsonl")).exists();
        assertThat(Path.of(report.path("metrics").asText())).exists().hasFileName(Path.of(report.path("metrics").asText()).getFileName().toString());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("metrics-") && n.endsWith(".json.gz"))
                    .noneMatch(n -> n.startsWith("."));
        }

        archivedFirst.countDown();
        CliFixture.Outcome slow = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(slow.exit()).as(slow.err()).isZero();
        assertThat(fx.agent("audit", "verify", "busy").exit()).isZero();
        // To another directory, and nothing left to do for done-1.
        Path elsewhere = fx.root.resolve("long-term");
        JsonNode second = Json.parse(fx.agent("archive", "--older-than", "0", "--to", elsewhere.toString(), "--json").out());
        assertThat(second.path("archived")).extracting(JsonNode::asText).containsExactly("busy");
        assertThat(Path.of(second.path("directory").asText())).startsWith(elsewhere);
    }

    @Test
    void anArchivedRunStaysReadableOrSaysWhereItWent() throws Exception {
        server.script(Reply.toolCall("list_files", "{\"path\":\".\"}"), Reply.text("done"));
        assertThat(fx.agent("run", "first", "--run-id", "old-1").exit()).isZero();
        Path elsewhere = fx.root.resolve("long-term");
        assertThat(fx.agent("archive", "--older-than", "0", "--to", elsewhere.toString()).exit()).isZero();
        assertThat(fx.state.resolve("audit/run-old-1.jsonl")).doesNotExist();

        // The snapshot names the archive; the listing shows it as archived.
        JsonNode shown = Json.parse(fx.agent("checkpoints", "show", "old-1").out());
        Path archive = Path.of(shown.path("archive").asText());
        assertThat(archive).exists().startsWith(elsewhere).hasFileName("run-old-1.jsonl.gz");
        assertThat(Json.parse(fx.agent("checkpoints", "list", "--json").out()).get(0).path("archive").asText()).isEqualTo(archive.toString());

        // audit verify and the log readers (the dashboard's /logs) read the archive.
        CliFixture.Outcome verify = fx.agent("audit", "verify", "old-1");
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("ok: " + archive + ": ");
        var page = new io.devagent.view.StateView(io.devagent.state.StateDir.resolve(java.util.Optional.of(fx.state),
                new io.devagent.config.Environment(fx.vars))).auditTail("old-1", 100);
        assertThat(page.events()).extracting(e -> e.json().path("type").asText()).contains("run_started", "tool_result", "run_finished");

        // An archive moved away is named, not mistaken for a run without a log.
        Files.delete(archive);
        CliFixture.Outcome gone = fx.agent("audit", "verify", "old-1");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("error: the audit log of run old-1 was archived to " + archive + ", which is no longer there"
                + System.lineSeparator());
    }

    @Test
    void recentRunsAreKeptAndBadAgesAreRefused() throws Exception {
        server.script(Reply.text("done"));
        assertThat(fx.agent("run", "recent", "--run-id", "recent-1").exit()).isZero();
        CliFixture.Outcome kept = fx.agent("archive", "--older-than", "7d");
        assertThat(kept.exit()).isZero();
        assertThat(kept.out()).contains("archived 0 audit log(s)").contains("recent-1 (newer than the cut-off)");
        assertThat(fx.agent("archive", "--older-than", "a week").exit()).isEqualTo(2);
    }

    @Test
    void theMainRuntimeInstallsTheReleaseEvidenceItCarries() throws Exception {
        Path evidence = Files.createDirectories(fx.root.resolve("image-release"));
        Files.writeString(evidence.resolve("sbom.cdx.json"), "{\"bomFormat\":\"CycloneDX\"}");
        Files.writeString(evidence.resolve("sbom.cdx.json.sig"), "signature");
        fx.vars.put("AGENT_RELEASE_DIR", evidence.toString());
        Process runtime = fx.spawnNamed("runtime", "run");
        try {
            fx.await("the release evidence in the state", () -> {
                assertThat(runtime.isAlive()).as(fx.err("runtime")).isTrue();
                return Files.exists(fx.state.resolve("release_artifacts/sbom.cdx.json.sig"))
                        && PidFile.read(fx.state.resolve("agent.pid")).isPresent();
            });
            assertThat(fx.state.resolve("release_artifacts/sbom.cdx.json")).hasContent("{\"bomFormat\":\"CycloneDX\"}");
            try (var files = Files.list(fx.state.resolve("release_artifacts"))) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(List.of("sbom.cdx.json", "sbom.cdx.json.sig").toArray(String[]::new));
            }
        } finally {
            runtime.destroy();
            runtime.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(fx.out("runtime")).contains("release evidence copied");
    }
}
