package io.devagent.bench;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The peer benchmark for real: node runs LangGraph.js against a loopback ScriptedModelServer. */
class PeerBenchTest {

    @TempDir
    Path tmp;

    /** Skips without node or the installed packages, except in CI, where they must be there (.ci/run installs them). */
    @BeforeEach
    void needsThePeer() {
        Optional<String> missing = LangGraphPeer.missing();
        if ("true".equals(System.getenv("CI"))) {
            assertThat(missing).as("the peer benchmark must be able to run in CI").isEmpty();
        } else {
            assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
        }
    }

    @Test
    void aPeerRunMakesOneModelRequestPerStepAndStoresCheckpoints() throws Exception {
        Path workspace = ScriptedRun.workspace(tmp);
        try (LangGraphPeer peer = LangGraphPeer.start()) {
            PeerOutcome run = PeerRun.execute(peer, tmp, workspace, 3, "test", PeerBench.NORMAL);

            assertThat(run.steps()).isEqualTo(4);
            assertThat(run.requestsSeen()).as("chat requests the scripted server received").isEqualTo(4);
            assertThat(run.elapsedNanos()).isPositive();
            assertThat(run.dbBytes() + run.walBytes()).isPositive();
            assertThat(run.storedBytes()).isPositive();
            assertThat(run.checkpoints()).as("two supersteps a tool step, the answer's, the input and the first").isEqualTo(2 * 3 + 3);
            // The whole conversation is in every checkpoint: a later step stores more than the first.
            assertThat(run.stepBytes().get(3)).isGreaterThan(run.stepBytes().get(1)).isPositive();
            assertThat(run.firstRequest().length).isPositive();
            assertThat(run.midRequest().length).isGreaterThan(run.firstRequest().length);
            assertThat(run.versions().path("@langchain/langgraph").asText()).isNotEmpty();
        }
    }

    @Test
    void theSmokeRunWritesItsOwnSection() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path out = tmp.resolve("BENCHMARKS.md");
        Files.writeString(out, "# Benchmarks\n\n<!-- bench:begin -->\nkept\n<!-- bench:end -->\n");

        ReportFile.write(out, PeerBench.measure(work, true), PeerBench.BEGIN, PeerBench.END);

        String text = Files.readString(out);
        assertThat(text).contains("<!-- bench:begin -->\nkept\n<!-- bench:end -->", PeerBench.BEGIN, PeerBench.END,
                "| 3 | dev-agent | 1 |", "| 3 | LangGraph.js, synchronous=NORMAL | 1 |", "smoke run");
    }
}
