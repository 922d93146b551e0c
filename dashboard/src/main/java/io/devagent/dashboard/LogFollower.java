package io.devagent.dashboard;

import io.devagent.audit.AuditReader;
import io.devagent.json.Json;
import io.devagent.state.StateView;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One live log stream: {@code GET /logs/<run_id>?follow=true} as server-sent events. Vert.x has no
 * SSE handler on the server side, so this writes {@code text/event-stream} on a chunked response:
 * each audit event is {@code id: <seq>}, {@code event: audit}, {@code data: <the line as written>}.
 *
 * <p>It keeps a byte offset into the log and, on a timer, reads the complete lines appended since
 * (off the event loop); a large backlog is sent in pieces, each after the client has taken the last
 * (the response's write queue). A comment line every 15 s keeps proxies from closing an idle stream.
 * When the client goes, the timers are cancelled. A log that disappears or shrinks (rotated to the
 * archive) ends the stream with {@code event: end}.
 */
final class LogFollower {

    private static final int MAX_CHUNK_BYTES = 256 * 1024;
    private static final long HEARTBEAT_MILLIS = 15_000;

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final StateView view;
    private final String runId;
    private final Duration poll;
    private final AtomicInteger open;
    private long offset;
    private long pollTimer = -1;
    private long heartbeatTimer = -1;
    private boolean reading;
    private boolean waitingForDrain;
    private boolean stopped;

    LogFollower(Vertx vertx, HttpServerResponse response, StateView view, String runId, Duration poll, AtomicInteger open) {
        this.vertx = vertx;
        this.response = response;
        this.view = view;
        this.runId = runId;
        this.poll = poll;
        this.open = open;
    }

    /** Starts at the first event whose seq is at least {@code fromSeq}, or at the end (new events only) when it is 0. */
    void start(long fromSeq) {
        open.incrementAndGet();
        response.setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true);
        response.closeHandler(v -> stop());
        response.exceptionHandler(e -> stop());
        vertx.executeBlocking(() -> view.auditOffset(runId, fromSeq), false).onComplete(ar -> {
            if (stopped) {
                return;
            }
            if (ar.failed()) {
                end("cannot read the audit log: " + ar.cause().getMessage());
                return;
            }
            offset = ar.result();
            response.write("retry: 2000\n: following the audit log of run " + runId + "\n\n");
            pollTimer = vertx.setPeriodic(poll.toMillis(), id -> read());
            heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> {
                if (!stopped && !waitingForDrain) {
                    response.write(": keepalive\n\n");
                }
            });
            read();
        });
    }

    private void read() {
        if (stopped || reading || waitingForDrain) {
            return;
        }
        reading = true;
        long from = offset;
        vertx.executeBlocking(() -> view.auditSince(runId, from, MAX_CHUNK_BYTES), false).onComplete(ar -> {
            reading = false;
            if (stopped) {
                return;
            }
            if (ar.failed()) {
                end("cannot read the audit log: " + ar.cause().getMessage());
                return;
            }
            AuditReader.Chunk chunk = ar.result();
            if (chunk.nextOffset() < 0) {
                end("the audit log is gone (archived or removed)");
                return;
            }
            if (!chunk.events().isEmpty()) {
                StringBuilder out = new StringBuilder(chunk.events().size() * 512);
                for (AuditReader.Event event : chunk.events()) {
                    if (event.seq() > 0) {
                        out.append("id: ").append(event.seq()).append('\n');
                    }
                    String line = event.line();
                    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                        line = Json.write(event.json()); // one data line per event, whatever the file holds
                    }
                    out.append("event: audit\ndata: ").append(line).append("\n\n");
                }
                response.write(out.toString());
            }
            offset = chunk.nextOffset();
            if (response.writeQueueFull()) {
                waitingForDrain = true;
                response.drainHandler(v -> {
                    waitingForDrain = false;
                    read();
                });
            } else if (chunk.more()) {
                read();
            }
        });
    }

    private void end(String reason) {
        if (!stopped && !response.closed() && !response.ended()) {
            response.write("event: end\ndata: " + Json.write(Json.object().put("reason", reason)) + "\n\n");
            response.end();
        }
        stop();
    }

    private void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        open.decrementAndGet();
    }
}
