package io.devagent.run;

import io.devagent.testkit.PackageCycles;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** No package of this module reaches back to itself through others: the layers read one way. */
class NoPackageCyclesTest {

    @Test
    void noPackageCycles() {
        assertThat(PackageCycles.describe(PackageCycles.classesOf(Agent.class))).isEmpty();
    }

    @Test
    void theCheckFindsACycleWhenThereIsOne() {
        var cycles = PackageCycles.find(java.util.Map.of("a", java.util.Set.of("b"), "b", java.util.Set.of("c"), "c", java.util.Set.of("a", "d"),
                "d", java.util.Set.of()));
        assertThat(cycles).containsExactly(java.util.Set.of("a", "b", "c"));
    }
}
