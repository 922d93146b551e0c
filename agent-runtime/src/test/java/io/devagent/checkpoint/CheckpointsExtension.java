package io.devagent.checkpoint;

import io.devagent.config.Environment;
import io.devagent.state.StateDir;
import io.devagent.testkit.TestDirectory;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Map;

/**
 * Gives a test an empty state directory of its own and the {@link Checkpoints} over it, gone after the
 * test: {@code @ExtendWith(CheckpointsExtension.class)}, then a {@link StateDir} or {@link Checkpoints}
 * parameter (both over the same directory).
 */
final class CheckpointsExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CheckpointsExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == StateDir.class || type == Checkpoints.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        TestDirectory root = store.getOrComputeIfAbsent("root", key -> TestDirectory.create("agent-state-test"), TestDirectory.class);
        StateDir state = store.getOrComputeIfAbsent("state", key -> new StateDir(root.path(), new Environment(Map.of())), StateDir.class);
        return parameter.getParameter().getType() == StateDir.class ? state : new Checkpoints(state);
    }
}
