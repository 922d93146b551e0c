package io.devagent.run;

import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServerExtension;
import io.devagent.testkit.TestDirectory;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Gives a test a {@link RunFixture} of its own, over a fresh directory and the test's scripted model
 * server, both gone after the test: {@code @ExtendWith(RunFixtureExtension.class)}, then
 * {@code @BeforeEach void setUp(RunFixture fx)} (the server is {@code fx.server}).
 */
final class RunFixtureExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RunFixtureExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RunFixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ScriptedModelServer server = ScriptedModelServerExtension.server(context);
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        TestDirectory root = store.getOrComputeIfAbsent("root", key -> TestDirectory.create("agent-run-test"), TestDirectory.class);
        return store.getOrComputeIfAbsent("fixture", key -> {
            try {
                return new RunFixture(root.path(), server);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, RunFixture.class);
    }
}
