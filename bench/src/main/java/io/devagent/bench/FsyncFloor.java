package io.devagent.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor under a durable step: append one journal-step-sized line to a file and
 * {@code force(false)} it, as {@code Journal.commit} does, with nothing else around it.
 */
final class FsyncFloor {

    private FsyncFloor() {
    }

    /** Times {@code ops} append+force operations after {@code warmup} untimed ones, in a new file in {@code dir}; nanoseconds. */
    static long[] measure(Path dir, byte[] line, int warmup, int ops) throws IOException {
        Path file = dir.resolve("fsync-floor.jsonl");
        Files.deleteIfExists(file);
        long[] samples = new long[ops];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < warmup + ops; i++) {
                long started = System.nanoTime();
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
                long took = System.nanoTime() - started;
                if (i >= warmup) {
                    samples[i - warmup] = took;
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return samples;
    }
}
