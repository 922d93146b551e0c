package io.devagent.state;

import io.devagent.config.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StateDirTest {

    @TempDir
    Path tmp;

    private Path container() throws Exception {
        return Files.createDirectories(tmp.resolve("state-volume"));
    }

    private Path home() {
        return tmp.resolve("home");
    }

    private static Environment env(String... pairs) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return new Environment(map);
    }

    @Test
    void anExplicitDirectoryWinsOverTheVariableTheContainerVolumeAndHome() throws Exception {
        Path explicit = tmp.resolve("explicit");
        StateDir state = StateDir.resolve(Optional.of(explicit), env("AGENT_STATE_DIR", tmp.resolve("from-env").toString()),
                container(), home());
        assertThat(state.root()).isEqualTo(explicit);
    }

    @Test
    void theVariableWinsOverTheContainerVolumeAndHome() throws Exception {
        Path fromEnv = tmp.resolve("from-env");
        StateDir state = StateDir.resolve(Optional.empty(), env("AGENT_STATE_DIR", fromEnv.toString()), container(), home());
        assertThat(state.root()).isEqualTo(fromEnv);
    }

    @Test
    void aBlankVariableIsIgnored() throws Exception {
        Path container = container();
        StateDir state = StateDir.resolve(Optional.empty(), env("AGENT_STATE_DIR", "   "), container, home());
        assertThat(state.root()).isEqualTo(container);
    }

    @Test
    void theContainerVolumeIsUsedWhenItIsAWritableDirectory() throws Exception {
        Path container = container();
        StateDir state = StateDir.resolve(Optional.empty(), env(), container, home());
        assertThat(state.root()).isEqualTo(container);
    }

    @Test
    void homeIsTheLastResortWhenThereIsNoContainerVolume() {
        StateDir state = StateDir.resolve(Optional.empty(), env(), tmp.resolve("no-such-dir"), home());
        assertThat(state.root()).isEqualTo(home().resolve(".dev-agent").resolve("state"));
    }

    @Test
    void aRegularFileNamedLikeTheContainerVolumeIsNotUsed() throws Exception {
        Path file = Files.writeString(tmp.resolve("state"), "not a directory");
        StateDir state = StateDir.resolve(Optional.empty(), env(), file, home());
        assertThat(state.root()).isEqualTo(home().resolve(".dev-agent").resolve("state"));
    }

    @Test
    void thePublicResolveLooksAtSlashStateAndTheUserHome() {
        StateDir state = StateDir.resolve(Optional.empty(), env());
        Path slashState = Path.of("/state");
        Path expected = Files.isDirectory(slashState) && Files.isWritable(slashState)
                ? slashState
                : Path.of(System.getProperty("user.home"), ".dev-agent", "state").toAbsolutePath().normalize();
        assertThat(state.root()).isEqualTo(expected);
    }

    @Test
    void relativeDirectoriesBecomeAbsoluteAndNormalized() {
        StateDir state = StateDir.resolve(Optional.of(Path.of("some", "..", "rel-state")), env());
        assertThat(state.root()).isAbsolute().isEqualTo(Path.of("rel-state").toAbsolutePath());
        StateDir fromEnv = StateDir.resolve(Optional.empty(), env("AGENT_STATE_DIR", "x/./y/../z"));
        assertThat(fromEnv.root()).isEqualTo(Path.of("x", "z").toAbsolutePath());
    }

    @Test
    void theLayoutFollowsTheSpec() {
        Path root = tmp.resolve("s");
        StateDir state = new StateDir(root, env());
        assertThat(state.pidFile()).isEqualTo(root.resolve("agent.pid"));
        assertThat(state.checkpoints()).isEqualTo(root.resolve("checkpoints"));
        assertThat(state.checkpointDir("r1")).isEqualTo(root.resolve("checkpoints/r1"));
        assertThat(state.auditDir()).isEqualTo(root.resolve("audit"));
        assertThat(state.auditLog("r1")).isEqualTo(root.resolve("audit/run-r1.jsonl"));
        assertThat(state.metricsFile()).isEqualTo(root.resolve("metrics.json"));
        assertThat(state.mcpEndpoints()).isEqualTo(root.resolve("tools/mcp_endpoints.json"));
        assertThat(state.policyFile()).isEqualTo(root.resolve("policies/policy.yaml"));
        assertThat(state.releaseArtifacts()).isEqualTo(root.resolve("release_artifacts"));
        assertThat(state.archive()).isEqualTo(root.resolve("archive"));
    }

    @Test
    void agentPolicyFileOverridesThePolicyPath() {
        Path policy = tmp.resolve("elsewhere/p.yaml");
        StateDir state = new StateDir(tmp.resolve("s"), env("AGENT_POLICY_FILE", policy.toString()));
        assertThat(state.policyFile()).isEqualTo(policy);
    }

    @Test
    void ensureWritableCreatesTheDirectoriesARunWritesInto() throws Exception {
        Path root = tmp.resolve("fresh").resolve("state");
        new StateDir(root, env()).ensureWritable();
        assertThat(root.resolve("checkpoints")).isDirectory();
        assertThat(root.resolve("audit")).isDirectory();
        assertThat(root.resolve("tools")).isDirectory();
        assertThat(root.resolve("policies")).isDirectory();
    }
}
