package io.devagent.operator;

import io.devagent.testkit.PackageCycles;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** No package of this module reaches back to itself through others: the layers read one way. */
class NoPackageCyclesTest {

    @Test
    void noPackageCycles() {
        assertThat(PackageCycles.describe(PackageCycles.classesOf(DevAgentOperator.class))).isEmpty();
    }
}
