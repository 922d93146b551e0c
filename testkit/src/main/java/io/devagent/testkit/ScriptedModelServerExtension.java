package io.devagent.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test (its {@code @BeforeEach} or test method) a {@link ScriptedModelServer} of its own,
 * started on first use and closed after the test: {@code @ExtendWith(ScriptedModelServerExtension.class)},
 * then {@code @BeforeEach void setUp(ScriptedModelServer server)}.
 */
public final class ScriptedModelServerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ScriptedModelServerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ScriptedModelServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    /** The test's server (one per test, closed with the test's store), for other extensions that build on it. */
    public static ScriptedModelServer server(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("server", key -> ScriptedModelServer.start(), ScriptedModelServer.class);
    }
}
