package io.devagent.cli;

import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServerExtension;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The CLI tests' harness: {@code @ExtendWith(CliHarness.class)}, then fields {@code ScriptedModelServer server;
 * CliFixture fx;} (set before each {@code @BeforeEach}), or parameters of those types. Each test gets a
 * scripted model server and a {@link CliFixture} over a fresh directory, both gone after it, with the
 * child processes the fixture started.
 */
final class CliHarness implements ParameterResolver, BeforeEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CliHarness.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == CliFixture.class || type == ScriptedModelServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return resolve(parameter.getParameter().getType(), context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        Object test = context.getRequiredTestInstance();
        for (Class<?> c = test.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Class<?> type = field.getType();
                if (!Modifier.isStatic(field.getModifiers()) && (type == CliFixture.class || type == ScriptedModelServer.class)) {
                    field.setAccessible(true);
                    field.set(test, resolve(type, context));
                }
            }
        }
    }

    private static Object resolve(Class<?> type, ExtensionContext context) {
        ScriptedModelServer server = ScriptedModelServerExtension.server(context);
        if (type == ScriptedModelServer.class) {
            return server;
        }
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        Root root = store.getOrComputeIfAbsent("root", key -> Root.create(), Root.class);
        return store.getOrComputeIfAbsent("fixture", key -> {
            try {
                return new CliFixture(root.path(), server);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, CliFixture.class);
    }

    /** The test's directory, deleted with everything in it after the test. */
    private record Root(Path path) implements AutoCloseable {
        static Root create() {
            try {
                return new Root(Files.createTempDirectory("agent-cli-test"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            try (Stream<Path> all = Files.walk(path)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
