package io.devagent.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.checkpoint.Snapshot;
import io.devagent.json.Json;
import io.devagent.metrics.MetricsFile;
import io.devagent.view.RunIndex;
import io.devagent.view.StateView;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;

/**
 * <pre>
 * GET /runs?offset=&amp;limit=&amp;status=&amp;q=   runs, most recently updated first, paged; q: words the run id or goal holds
 * GET /runs/&lt;run_id&gt;/summary             the whole run folded: events by type, tokens by step, tool latency, reasons
 * </pre>
 * A row says whether the run is live (running, and its owner process is alive) and, once its log has
 * been folded (in the background, so that the table never waits on a large log), its policy denials.
 */
final class RunRoutes {

    /** Every status SPEC.md names, the derived {@code interrupted} included. */
    private static final List<String> STATUSES = List.of(Snapshot.RUNNING, Snapshot.AWAITING_APPROVAL, Snapshot.PAUSED,
            Snapshot.INTERRUPTED, Snapshot.SUCCEEDED, Snapshot.FAILED, Snapshot.CANCELLED);
    static final int GOAL_CHARS = 300;

    /** A row's denial count is refreshed in the background when older than this. */
    private static final long ROW_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Vertx vertx;
    private final StateView view;
    private final FreshIndex index;
    private final RunSummaries summaries;
    private final AtomicBoolean sweeping = new AtomicBoolean();

    RunRoutes(Vertx vertx, StateView view, FreshIndex index, RunSummaries summaries) {
        this.vertx = vertx;
        this.view = view;
        this.index = index;
        this.summaries = summaries;
    }

    void mount(Router router) {
        router.get("/runs").handler(this::runs);
        router.get("/runs/:runId/summary").handler(this::summary);
    }

    private void summary(RoutingContext ctx) {
        String runId = ctx.pathParam("runId");
        vertx.executeBlocking(() -> view.known(runId) ? Optional.of(summaries.summary(runId)) : Optional.<ObjectNode>empty(), false)
                .onSuccess(body -> {
                    if (body.isEmpty()) {
                        Http.error(ctx, 404, Http.noRun(runId));
                    } else {
                        Http.json(ctx, 200, body.get());
                    }
                }).onFailure(ctx::fail);
    }

    private void runs(RoutingContext ctx) {
        long offset = Http.number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = (int) Http.number(ctx, "limit", 50, 1, 500);
        String status = ctx.request().getParam("status");
        if (status != null && !status.isBlank() && !STATUSES.contains(status)) {
            throw new Http.BadRequest("status must be one of " + String.join(", ", STATUSES) + ", not '" + Http.abbreviate(status) + "'");
        }
        String wanted = status == null || status.isBlank() ? null : status;
        String query = ctx.request().getParam("q");
        List<String> words = query == null ? List.of() : Arrays.stream(query.toLowerCase(Locale.ROOT).split("\\s+"))
                .filter(w -> !w.isEmpty()).limit(8).toList();
        index.get().onSuccess(runs -> {
            ObjectNode body = page(runs, wanted, words, offset, limit);
            Http.json(ctx, 200, body);
            refreshRows(body);
        }).onFailure(ctx::fail);
    }

    /**
     * Each run's id and goal in lower case, built once per list of runs (not per request; a refresh that
     * changed nothing keeps the same list): a search is then a scan of strings.
     */
    private record Haystacks(List<Snapshot> runs, String[] texts) {
        static Haystacks of(RunIndex.View view) {
            String[] texts = new String[view.runs().size()];
            for (int i = 0; i < texts.length; i++) {
                Snapshot s = view.runs().get(i);
                texts[i] = ((s.runId() == null ? "" : s.runId()) + "\n" + (s.goal() == null ? "" : s.goal())).toLowerCase(Locale.ROOT);
            }
            return new Haystacks(view.runs(), texts);
        }
    }

    private volatile Haystacks haystacks;

    /** The runs that match, counted; only those of the page asked for are kept (a search never builds a list of thousands). */
    private record Found(int total, List<Snapshot> page) {
    }

    private Found search(RunIndex.View index, String wanted, List<String> words, long offset, int limit) {
        Haystacks texts = haystacks;
        if (!words.isEmpty() && (texts == null || texts.runs() != index.runs())) {
            texts = Haystacks.of(index);
            haystacks = texts;
        }
        List<Snapshot> page = new ArrayList<>(Math.min(limit, 64));
        List<Snapshot> all = index.runs();
        int total = 0;
        outer:
        for (int i = 0; i < all.size(); i++) {
            Snapshot s = all.get(i);
            if (wanted != null && !wanted.equals(s.status())) {
                continue;
            }
            for (String word : words) {
                if (!texts.texts()[i].contains(word)) {
                    continue outer;
                }
            }
            if (total >= offset && page.size() < limit) {
                page.add(s);
            }
            total++;
        }
        return new Found(total, page);
    }

    private ObjectNode page(RunIndex.View index, String wanted, List<String> words, long offset, int limit) {
        Found found;
        if (wanted == null && words.isEmpty()) {
            List<Snapshot> all = index.runs();
            int from = (int) Math.min(offset, all.size());
            found = new Found(all.size(), all.subList(from, Math.min(all.size(), from + limit)));
        } else {
            found = search(index, wanted, words, offset, limit);
        }
        long to = Math.min(found.total(), offset + found.page().size());
        ObjectNode body = Json.object();
        body.put("total", found.total()).put("offset", offset).put("limit", limit);
        if (to < found.total()) {
            body.put("next_offset", to);
        } else {
            body.putNull("next_offset");
        }
        body.set("counts", Json.MAPPER.valueToTree(index.counts()));
        body.put("indexed_ms_ago", TimeUnit.NANOSECONDS.toMillis(index.ageNanos(System.nanoTime())));
        ArrayNode runs = body.putArray("runs");
        for (Snapshot s : found.page()) {
            runs.add(row(s));
        }
        return body;
    }

    /** Folds, one at a time off the event loop, the logs of the rows just served whose counts are missing or old. */
    private void refreshRows(ObjectNode body) {
        List<String> stale = new ArrayList<>();
        long now = System.nanoTime();
        body.path("runs").forEach(row -> {
            String id = row.path("run_id").asText();
            if (summaries.cached(id).map(e -> now - e.checkedNanos() > ROW_REFRESH_NANOS).orElse(true)) {
                stale.add(id);
            }
        });
        if (stale.isEmpty() || !sweeping.compareAndSet(false, true)) {
            return;
        }
        vertx.executeBlocking(() -> {
            for (String id : stale) {
                if (view.known(id)) {
                    summaries.refresh(id);
                }
            }
            return null;
        }, false).onComplete(ar -> sweeping.set(false));
    }

    private ObjectNode row(Snapshot s) {
        ObjectNode row = Json.object().put("run_id", s.runId()).put("status", s.status()).put("current_step", s.currentStep())
                .put("updated_at", s.updatedAt()).put("created_at", s.createdAt()).put("model", s.model());
        row.put("goal", clip(s.goal()));
        row.set("tokens", MetricsFile.tokensJson(s.tokens() == null ? io.devagent.model.Tokens.ZERO : s.tokens()));
        if (s.lastTool() != null) {
            row.put("last_tool", s.lastTool());
        }
        if (s.message() != null) {
            row.put("message", clip(s.message()));
        }
        if (s.continuedFrom() != null) {
            row.put("continued_from", s.continuedFrom()); // a follow-up (agent run --continue) of that run
        }
        if (s.archive() != null) {
            row.put("archive", s.archive()).put("archived", true); // archived: its log is read from there
        }
        row.put("live", live(s));
        summaries.cached(s.runId()).filter(RunSummaries.Entry::folded).ifPresent(e -> {
            row.put("denials", e.denials());
            row.put("approval_pending", e.awaitingApproval());
            if (e.archived()) {
                row.put("archived", true);
            }
        });
        return row;
    }

    /** Running, and the process that runs it is alive: only then is there anything to follow live. */
    static boolean live(Snapshot s) {
        return Snapshot.RUNNING.equals(s.status()) && s.pid() != null && ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    static String clip(String text) {
        return text == null ? null : text.length() > GOAL_CHARS ? text.substring(0, GOAL_CHARS) + "…" : text;
    }
}
