package io.devagent.view;

import io.devagent.state.RunLock;
import io.devagent.state.StateDir;
import io.devagent.model.Tokens;
import io.devagent.checkpoint.Checkpoints;
import io.devagent.checkpoint.Snapshot;
import io.devagent.config.Environment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The run index re-reads only the snapshots that changed, and keeps runs sorted by recency. */
class RunIndexTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path root;
    StateDir state;
    Checkpoints checkpoints;
    StateView view;

    @BeforeEach
    void setUp() throws Exception {
        state = StateDir.resolve(Optional.of(root), new Environment(Map.of()));
        state.ensureWritable();
        checkpoints = new Checkpoints(state);
        view = new StateView(state);
    }

    private void snapshot(String id, String status, int step, Instant updated) throws Exception {
        Files.createDirectories(state.checkpointDir(id));
        checkpoints.writeSnapshot(new Snapshot(id, "goal " + id, status, step, updated.toString(), T0.toString(), "m", "/w",
                new Tokens(10, 5, 15), null, null, null, null, 100, null));
    }

    @Test
    void onlyChangedSnapshotsAreReadAgain() throws Exception {
        for (int i = 0; i < 500; i++) {
            snapshot(String.format("run-%04d", i), i % 7 == 0 ? Snapshot.FAILED : Snapshot.SUCCEEDED, i % 13, T0.plusSeconds(i));
        }
        RunIndex.View first = view.index().refresh();
        assertThat(first.parsed()).isEqualTo(500);
        assertThat(first.runs()).hasSize(500);
        assertThat(first.runs().get(0).runId()).isEqualTo("run-0499");
        assertThat(first.runs().get(499).runId()).isEqualTo("run-0000");
        assertThat(first.counts().get(Snapshot.FAILED)).isEqualTo(72L);
        assertThat(first.counts().get(Snapshot.SUCCEEDED)).isEqualTo(428L);

        RunIndex.View again = view.index().refresh();
        assertThat(again.parsed()).isZero();
        assertThat(again.runs()).isEqualTo(first.runs());

        // A run that can still change (failed runs can be resumed) checkpoints again: only it is read, and it moves to the top.
        snapshot("run-0098", Snapshot.RUNNING, 99, T0.plusSeconds(10_000));
        RunLock owner = RunLock.tryAcquire(state.checkpointDir("run-0098").resolve("lock")).orElseThrow();
        RunIndex.View moved = view.index().refresh();
        assertThat(moved.parsed()).isEqualTo(1);
        assertThat(moved.runs().get(0).runId()).isEqualTo("run-0098");
        assertThat(moved.runs().get(0).currentStep()).isEqualTo(99);
        assertThat(moved.counts().get(Snapshot.RUNNING)).isEqualTo(1L);
        assertThat(moved.counts().get(Snapshot.FAILED)).isEqualTo(71L);
        assertThat(moved.run("run-0098").orElseThrow().status()).isEqualTo(Snapshot.RUNNING);
        assertThat(view.index().current()).isSameAs(moved);

        // Its owner goes away with no file changing: the next refresh shows it interrupted.
        owner.close();
        RunIndex.View orphaned = view.index().refresh();
        assertThat(orphaned.run("run-0098").orElseThrow().status()).isEqualTo(Snapshot.INTERRUPTED);
        assertThat(orphaned.counts().get(Snapshot.INTERRUPTED)).isEqualTo(1L);
        assertThat(orphaned.counts().get(Snapshot.RUNNING)).isZero();
        assertThat(view.run("run-0098").orElseThrow().status()).isEqualTo(Snapshot.INTERRUPTED);
    }

    @Test
    void succeededRunsAreCheckedInARollingSweep() throws Exception {
        for (int i = 0; i < 300; i++) {
            snapshot(String.format("done-%03d", i), Snapshot.SUCCEEDED, 3, T0.plusSeconds(i));
        }
        assertThat(view.index().refresh().parsed()).isEqualTo(300);
        // A succeeded run's snapshot changes behind the index's back (it never does in practice): a sweep still finds it.
        snapshot("done-123", Snapshot.SUCCEEDED, 7, T0.plusSeconds(50_000));
        int refreshes = 0;
        RunIndex.View view2;
        do {
            view2 = view.index().refresh();
            refreshes++;
            assertThat(view2.parsed()).isLessThanOrEqualTo(1);
        } while (view2.parsed() == 0 && refreshes <= RunIndex.SWEEP_SLICES);
        assertThat(view2.parsed()).isEqualTo(1);
        assertThat(refreshes).isLessThanOrEqualTo(RunIndex.SWEEP_SLICES);
        assertThat(view2.runs().get(0).runId()).isEqualTo("done-123");
        assertThat(view2.runs().get(0).currentStep()).isEqualTo(7);
    }

    @Test
    void runsComeAndGo() throws Exception {
        snapshot("a", Snapshot.SUCCEEDED, 1, T0);
        assertThat(view.index().refresh().runs()).extracting(Snapshot::runId).containsExactly("a");

        snapshot("b", Snapshot.PAUSED, 2, T0.plusSeconds(5));
        Files.createDirectories(state.checkpointDir("no-snapshot-yet"));
        assertThat(view.index().refresh().runs()).extracting(Snapshot::runId).containsExactly("b", "a");

        Files.delete(checkpoints.snapshotFile("a"));
        Files.delete(state.checkpointDir("a"));
        RunIndex.View after = view.index().refresh();
        assertThat(after.runs()).extracting(Snapshot::runId).containsExactly("b");
        assertThat(after.run("a")).isEmpty();
    }

    @Test
    void aStateDirectoryWithoutRunsIsEmpty() {
        StateView empty = new StateView(StateDir.resolve(Optional.of(root.resolve("nothing-here")), new Environment(Map.of())));
        assertThat(empty.index().refresh().runs()).isEmpty();
        assertThat(empty.known("anything")).isFalse();
        assertThat(empty.known("..")).isFalse();
        assertThat(empty.known("../nothing-here")).isFalse();
    }
}
