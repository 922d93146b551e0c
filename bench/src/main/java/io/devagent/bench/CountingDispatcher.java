package io.devagent.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;

import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock API server's dispatcher: the server's own expectations ({@code /version}, {@code /}) first,
 * then the CRUD store, as fabric8's {@code KubernetesMixedDispatcher} does, while counting what it serves by verb and resource ({@code POST pods},
 * {@code PATCH agentruns/status}, {@code GET pods (watch)}) and the time it spends serving: the
 * API calls a run costs, and how busy the mock is, without a proxy in between.
 */
final class CountingDispatcher extends Dispatcher {

    /** The resource (plural) after the optional namespace, and an optional name and subresource. */
    private static final Pattern PATH = Pattern.compile("^/(?:api/v1|apis/[^/]+/[^/]+)(?:/namespaces/[^/]+)?/([^/?]+)(/[^/?]+)?(/[^/?]+)?");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder busyNanos = new LongAdder();

    private final Map<ServerRequest, Queue<ServerResponse>> responses;
    private final MockDispatcher expectations;
    private final KubernetesCrudDispatcher crud;

    CountingDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses, KubernetesCrudDispatcher crud) {
        this.responses = responses;
        this.expectations = new MockDispatcher(responses);
        this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        long start = System.nanoTime();
        try {
            Queue<ServerResponse> expected = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
            return expected != null && !expected.isEmpty() ? expectations.dispatch(request) : crud.dispatch(request);
        } finally {
            busyNanos.add(System.nanoTime() - start);
            counts.computeIfAbsent(key(request.getMethod(), request.getPath()), k -> new LongAdder()).increment();
        }
    }

    static String key(String method, String path) {
        Matcher m = PATH.matcher(path);
        if (!m.find()) {
            return method + " " + path.replaceFirst("\\?.*", "");
        }
        String resource = m.group(1) + (m.group(3) == null ? "" : m.group(3));
        String mode = path.contains("watch=true") ? " (watch)" : m.group(2) == null && "GET".equals(method) ? " (list)" : "";
        return method + " " + resource + mode;
    }

    /** Requests so far by verb and resource, sorted. */
    Map<String, Long> counts() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Time spent in {@link #dispatch}, summed over its threads (watch streams are counted only for their upgrade). */
    long busyNanos() {
        return busyNanos.sum();
    }

    void clearCounts() {
        counts.clear();
        busyNanos.reset();
    }
}
