package io.devagent.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's CRUD mock, with its lookups by name indexed. The stock {@code findResource}, which every
 * create, patch and update calls under the mock's one write lock, scans every stored object: at 1,000
 * runs (8,000 objects) that scan is three quarters of the mock's CPU and makes the benchmark
 * quadratic in the number of runs, which a real API server (etcd, keyed by name) is not. Here a
 * lookup that names its resource and object reads an index of (plural, name) instead; every other
 * lookup, and every answer, stays the mock's own (a candidate must still {@code matches} the query).
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {

    private static final String PLURAL = KubernetesAttributesExtractor.PLURAL;
    private static final String NAME = KubernetesAttributesExtractor.NAME;

    /** Stored keys by "plural/name"; written under the mock's write lock, read under either lock. */
    private final Map<String, Set<AttributeSet>> byName = new ConcurrentHashMap<>();

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        String key = indexKey(query);
        if (key == null) {
            return super.findResource(query);
        }
        for (AttributeSet candidate : byName.getOrDefault(key, Set.of())) {
            String value = map.get(candidate);
            if (value != null && candidate.matches(query)) {
                return new AbstractMap.SimpleImmutableEntry<>(candidate, value);
            }
        }
        return null;
    }

    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
                             GenericKubernetesResource resource, String newState) {
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        if (oldAttributes != null) {
            String key = indexKey(oldAttributes);
            if (key != null) {
                byName.computeIfPresent(key, (k, keys) -> {
                    keys.remove(oldAttributes);
                    return keys.isEmpty() ? null : keys;
                });
            }
        }
        if (newState != null) {
            // The key the mock has just stored, derived as it derives it.
            KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
            AttributeSet stored = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
            if (!stored.containsKey(PLURAL)) {
                stored = AttributeSet.merge(pathAttributes, stored);
            }
            String key = indexKey(stored);
            if (key != null && map.containsKey(stored)) {
                byName.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(stored);
            }
        }
    }

    @Override
    public void reset() {
        super.reset();
        byName.clear();
    }

    /** "plural/name" when both are plain values; null sends the lookup to the mock's own scan. */
    private static String indexKey(AttributeSet attributes) {
        String plural = exact(attributes.getAttribute(PLURAL));
        String name = exact(attributes.getAttribute(NAME));
        return plural == null || name == null ? null : plural + "/" + name;
    }

    private static String exact(Attribute attribute) {
        if (attribute == null || attribute.getType() != AttributeType.WITH || attribute.getValues().size() != 1) {
            return null;
        }
        String value = attribute.getValues().get(0).toString();
        return value == null || "*".equals(value) ? null : value;
    }
}
