package io.devagent.model;

import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.devagent.model.ModelTestSupport.settings;

/** What the model client suites share: a scripted server of each test's own, over real HTTP, and a client for it. */
@Timeout(10)
@ExtendWith(ScriptedModelServerExtension.class)
abstract class ScriptedServerTest {

    ScriptedModelServer server;

    @BeforeEach
    void useServer(ScriptedModelServer server) {
        this.server = server;
    }

    /** A non-streaming client of the test's server (see {@link ModelTestSupport#settings}). */
    ModelClient client() {
        return new ModelClient(settings(server, false));
    }
}
