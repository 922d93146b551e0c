package io.devagent.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> namesIn(Path d) throws IOException {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesANewFileCreatingItsDirectories() throws Exception {
        Path target = dir.resolve("a/b/snapshot.json");
        AtomicFiles.write(target, "{\"x\":1}".getBytes(StandardCharsets.UTF_8), true);
        assertThat(target).hasContent("{\"x\":1}");
        assertThat(namesIn(target.getParent())).containsExactly("snapshot.json");
    }

    @Test
    void replacesTheWholeContentAndLeavesNoTemporaryFiles() throws Exception {
        Path target = dir.resolve("metrics.json");
        AtomicFiles.write(target, "a much longer first version of the file".getBytes(StandardCharsets.UTF_8), false);
        for (int i = 0; i < 50; i++) {
            AtomicFiles.write(target, ("v" + i).getBytes(StandardCharsets.UTF_8), i % 2 == 0);
        }
        assertThat(target).hasContent("v49");
        assertThat(namesIn(dir)).containsExactly("metrics.json");
    }

    @Test
    void aFailedRenameLeavesTheTargetAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("occupied");
        Files.createDirectories(target.resolve("child")); // a non-empty directory cannot be replaced by a file
        assertThatThrownBy(() -> AtomicFiles.write(target, "x".getBytes(StandardCharsets.UTF_8), true))
                .isInstanceOf(IOException.class);
        assertThat(namesIn(dir)).containsExactly("occupied");
        assertThat(target.resolve("child")).isDirectory();
    }

    @Test
    void concurrentWritersNeverLeaveAMixedFile() throws Exception {
        Path target = dir.resolve("shared.json");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String content = String.valueOf((char) ('a' + w)).repeat(64 * 1024);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        AtomicFiles.write(target, content.getBytes(StandardCharsets.UTF_8), false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        String content = Files.readString(target);
        assertThat(content).hasSize(64 * 1024);
        assertThat(content.chars().distinct().count()).isEqualTo(1);
        assertThat(namesIn(dir)).containsExactly("shared.json");
    }

    @Test
    void fsyncOfAMissingDirectoryIsHarmless() {
        AtomicFiles.fsyncDirectory(dir.resolve("missing"));
        AtomicFiles.fsyncDirectory(dir);
        assertThat(dir).isDirectory();
    }
}
