package io.devagent.archive;

import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Compliance evidence (runbook §5): the SBOM, and any scan report or signature bundle, that the
 * image carries are copied into {@code release_artifacts/} when the runtime starts, so the state
 * volume holds the evidence of the build that wrote it.
 */
public final class ReleaseArtifacts {

    /** Where images keep their evidence; {@code AGENT_RELEASE_DIR} overrides it. */
    public static final Path IMAGE_DIR = Path.of("/opt/dev-agent/release");

    private ReleaseArtifacts() {
    }

    /** Copies every regular file of {@code from} into the state's release_artifacts; returns their names. */
    public static List<String> install(Path from, StateDir state) throws IOException {
        List<String> copied = new ArrayList<>();
        if (!Files.isDirectory(from)) {
            return copied;
        }
        Path to = Files.createDirectories(state.releaseArtifacts());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from, Files::isRegularFile)) {
            for (Path file : files) {
                Path temp = to.resolve("." + file.getFileName() + ".tmp");
                Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, to.resolve(file.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                copied.add(file.getFileName().toString());
            }
        }
        return copied;
    }
}
