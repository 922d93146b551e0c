package io.devagent.daemon;

import io.devagent.archive.Archiver;
import io.devagent.archive.ReleaseArtifacts;
import io.devagent.run.AgentConfig;
import io.devagent.state.AtomicFiles;
import io.devagent.state.StateDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a main runtime does for its state directory besides runs: the release evidence, the MCP
 * endpoints a fresh directory starts with, and the retention of old audit logs.
 */
final class Housekeeping implements AutoCloseable {

    private final AgentConfig config;
    private final StateDir state;
    private final RuntimeLog log;
    private ScheduledExecutorService retentionTimer;

    Housekeeping(AgentConfig config, RuntimeLog log) {
        this.config = config;
        this.state = config.state();
        this.log = log;
    }

    void start() {
        installReleaseArtifacts();
        seedMcpEndpoints();
        scheduleRetention();
    }

    /** The build's SBOM and any scan or signature the image carries go into release_artifacts/ (runbook §5). */
    private void installReleaseArtifacts() {
        Path from = config.env().get("AGENT_RELEASE_DIR").map(Path::of).orElse(ReleaseArtifacts.IMAGE_DIR);
        try {
            List<String> copied = ReleaseArtifacts.install(from, state);
            if (!copied.isEmpty()) {
                log.log("release evidence copied to " + state.releaseArtifacts() + ": " + String.join(", ", copied));
            }
        } catch (IOException e) {
            log.log("cannot copy the release evidence from " + from + ": " + e.getMessage());
        }
    }

    /** {@code AGENT_MCP_SEED}: the endpoints file a fresh state directory starts with (compose wires its MCP profile so). */
    private void seedMcpEndpoints() {
        Optional<Path> seed = config.env().get("AGENT_MCP_SEED").map(Path::of);
        if (seed.isEmpty() || Files.exists(state.mcpEndpoints())) {
            return;
        }
        try {
            Files.createDirectories(state.mcpEndpoints().getParent());
            AtomicFiles.write(state.mcpEndpoints(), Files.readAllBytes(seed.get()), true);
            log.log("MCP endpoints seeded from " + seed.get());
        } catch (IOException e) {
            log.log("cannot seed the MCP endpoints from " + seed.get() + ": " + e.getMessage());
        }
    }

    /**
     * With {@code AGENT_RETENTION} (e.g. {@code 7d}) set, archives the audit logs of finished runs older
     * than that, and a metrics snapshot, every {@code AGENT_ARCHIVE_INTERVAL} (default a week).
     */
    private void scheduleRetention() {
        Optional<String> retention = config.env().get("AGENT_RETENTION");
        if (retention.isEmpty()) {
            return;
        }
        Duration age = Archiver.parseAge(retention.get());
        Duration every = Archiver.parseAge(config.env().get("AGENT_ARCHIVE_INTERVAL", "7d"));
        retentionTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention");
            t.setDaemon(true);
            return t;
        });
        retentionTimer.scheduleWithFixedDelay(() -> {
            try {
                Archiver.Report report = new Archiver(state).archive(age, Optional.empty());
                log.log("archived " + report.archived().size() + " audit logs and a metrics snapshot into " + report.directory()
                        + (report.broken().isEmpty() ? "" : "; left in place, chain broken: " + String.join("; ", report.broken())));
            } catch (IOException | RuntimeException e) {
                log.log("archiving failed: " + e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        log.log("retention: audit logs of runs finished more than " + retention.get() + " ago are archived every "
                + config.env().get("AGENT_ARCHIVE_INTERVAL", "7d"));
    }

    @Override
    public void close() {
        if (retentionTimer != null) {
            retentionTimer.shutdownNow();
        }
    }
}
