package io.devagent.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * An audit log that {@code agent archive} compressed away ({@code run-<id>.jsonl.gz}), made readable
 * by the same readers as a live one: it is unpacked once into a private temporary directory of this
 * process (temp file, then rename) and read from there. The archive itself is never changed.
 */
public final class ArchivedLog {

    private static Path unpacked;

    private ArchivedLog() {
    }

    /** A plain copy of the archived log, unpacked on first use and again whenever the archive changes. */
    public static Path readable(Path gz) throws IOException {
        var attributes = Files.readAttributes(gz, java.nio.file.attribute.BasicFileAttributes.class);
        String key = HexFormat.of().formatHex(sha256(gz.toAbsolutePath() + "|" + attributes.size() + "|" + attributes.lastModifiedTime()));
        Path target = directory().resolve(key.substring(0, 32) + ".jsonl");
        if (Files.exists(target)) {
            return target;
        }
        Path temp = Files.createTempFile(target.getParent(), ".unpack-", ".tmp");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    private static synchronized Path directory() throws IOException {
        if (unpacked == null) {
            unpacked = Files.createTempDirectory("dev-agent-archived-");
            unpacked.toFile().deleteOnExit();
            Path dir = unpacked;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temporary directory: the system cleans it eventually
                }
            }, "archived-logs-cleanup"));
        }
        return unpacked;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
