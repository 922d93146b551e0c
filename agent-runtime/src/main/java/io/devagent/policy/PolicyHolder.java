package io.devagent.policy;

import io.devagent.config.Environment;
import io.devagent.json.Json;
import io.devagent.state.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The policy in force for a runtime, swapped atomically on reload. Runs read it at every step and
 * every tool call, so a new version applies from the next tool call. A file that fails to parse or
 * validate is rejected and the current version stays. Each attempt is written to a status file
 * (read by {@code agent policies reload} and the dashboard) and announced to listeners (the runs'
 * audit logs).
 */
public final class PolicyHolder implements Supplier<Policy> {

    private final Path file;
    private final Environment env;
    private static final long QUIET_MILLIS = 200;

    private volatile Path statusFile;
    private final AtomicReference<Policy> current = new AtomicReference<>();
    private final AtomicLong seq = new AtomicLong();
    private final List<Consumer<ReloadResult>> listeners = new CopyOnWriteArrayList<>();
    /**
     * The content of the file at the last attempt, accepted or rejected. The watcher reloads only when the
     * content differs from it: a rejected file is rejected once, however often the directory changes after
     * (the status file is written beside it), and a fixed file is picked up at its first change.
     */
    private volatile String lastFileHash;

    private PolicyHolder(Path file, Environment env, Path statusFile, Policy initial, String fileHash) {
        this.file = file;
        this.env = env;
        this.statusFile = statusFile;
        this.current.set(initial);
        this.lastFileHash = fileHash;
    }

    /** Loads the policy file (or the defaults when it is absent); a broken file is an error here, at start. */
    public static PolicyHolder load(Path file, Environment env) throws PolicyException {
        Policy policy = PolicyLoader.effective(PolicyLoader.load(file), env);
        return new PolicyHolder(file, env, null, policy, fileHash(file));
    }

    /**
     * Makes this holder the one that reports to {@code statusFile} (the main runtime's). Attempts are
     * numbered on from the file's last number, so a client never mistakes an old result for a new one.
     */
    public void publishStatus(Path statusFile) {
        status(statusFile).ifPresent(previous -> seq.set(Math.max(seq.get(), previous.seq())));
        this.statusFile = statusFile;
        Policy policy = current.get();
        record(new ReloadResult(seq.incrementAndGet(), true, policy.version(), null, null, file == null ? null : file.toString(),
                Instant.now().toString(), "start", policy));
    }

    /** A policy that never changes (tests, replay). */
    public static PolicyHolder fixed(Policy policy) {
        return new PolicyHolder(null, null, null, policy, null);
    }

    @Override
    public Policy get() {
        return current.get();
    }

    public Path file() {
        return file;
    }

    public void addListener(Consumer<ReloadResult> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<ReloadResult> listener) {
        listeners.remove(listener);
    }

    /** Re-reads and validates the file; swaps the policy in if it is valid. Never throws. */
    public synchronized ReloadResult reload(String trigger) {
        if (file == null) {
            return new ReloadResult(seq.get(), true, current.get().version(), null, null, null, Instant.now().toString(), trigger,
                    current.get());
        }
        String previous = current.get().version();
        ReloadResult result;
        lastFileHash = fileHash(file); // read before the load: a change during it is seen by the next check
        try {
            Policy next = PolicyLoader.effective(PolicyLoader.load(file), env);
            current.set(next);
            result = new ReloadResult(seq.incrementAndGet(), true, next.version(), previous, null, file.toString(),
                    Instant.now().toString(), trigger, next);
        } catch (PolicyException | RuntimeException e) {
            result = new ReloadResult(seq.incrementAndGet(), false, previous, previous, e.getMessage(), file.toString(),
                    Instant.now().toString(), trigger, current.get());
        }
        for (Consumer<ReloadResult> listener : listeners) {
            try {
                listener.accept(result);
            } catch (RuntimeException ignored) {
                // a listener's failure (a run's audit log) must not stop the reload
            }
        }
        // The status file last: whoever waits on it (agent policies reload, a test) then finds the log line
        // and the runs' audit events already written.
        record(result);
        return result;
    }

    /**
     * Reloads whenever the file's content changes, including the symlink swap Kubernetes does for a
     * mounted ConfigMap ({@code ..data} is replaced), which is why the directory is watched rather
     * than the file. Returns a handle that stops watching.
     */
    public AutoCloseable watch() throws IOException {
        if (file == null) {
            return () -> {
            };
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        WatchService watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        Thread thread = Thread.ofPlatform().daemon().name("policy-watch").start(() -> {
            try {
                while (true) {
                    WatchKey key = watcher.take();
                    key.pollEvents();
                    key.reset();
                    // An editor's write comes as several events (truncate, write): read once it has gone quiet.
                    WatchKey more;
                    while ((more = watcher.poll(QUIET_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
                        more.pollEvents();
                        more.reset();
                    }
                    reloadIfChanged();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // stopped
            }
        });
        return () -> {
            watcher.close();
            thread.interrupt();
        };
    }

    /** Reloads when the file's content is not the one last tried; the watcher's check. */
    synchronized boolean reloadIfChanged() {
        if (java.util.Objects.equals(fileHash(file), lastFileHash)) {
            return false;
        }
        reload("file changed");
        return true;
    }

    /** The last attempt, as the status file records it. */
    public static Optional<ReloadResult> status(Path statusFile) {
        try {
            return Optional.of(Json.MAPPER.readValue(statusFile.toFile(), ReloadResult.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void record(ReloadResult result) {
        if (statusFile == null) {
            return;
        }
        try {
            AtomicFiles.write(statusFile, Json.pretty(result).getBytes(StandardCharsets.UTF_8), false);
        } catch (IOException ignored) {
            // the status file is informational; the policy in force is what counts
        }
    }

    private static String fileHash(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException e) {
            return null;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
