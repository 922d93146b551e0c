package io.devagent.policy;

import io.devagent.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tools.readOnly}: the MCP tools a policy declares free of side effects. */
class PolicyReadOnlyToolsTest {

    @Test
    void readOnlyGlobsAreReadAndMatched() throws Exception {
        Policy policy = PolicyLoader.parse("tools: {allow: [\"*\"], readOnly: [\"everything__get-*\", \"files__read_*\"]}\n", "test");
        assertThat(policy.tools().readOnly()).containsExactly("everything__get-*", "files__read_*");
        assertThat(policy.tools().marksReadOnly("everything__get-sum")).isTrue();
        assertThat(policy.tools().marksReadOnly("files__read_text_file")).isTrue();
        assertThat(policy.tools().marksReadOnly("files__write_file")).isFalse();
        assertThat(Policy.defaults().tools().marksReadOnly("everything__echo")).isFalse();
    }

    @Test
    void policiesWithoutItKeepTheirVersion() throws Exception {
        // The field is left out of the serialised form while empty, so existing policies keep their version hash.
        assertThat(Json.write(Policy.defaults().tools())).doesNotContain("readOnly");
        Policy withTools = PolicyLoader.parse("tools: {allow: [\"read_*\"], deny: [run_shell]}\n", "test");
        assertThat(withTools.version()).isEqualTo(new Policy(null, new Policy.Tools(List.of("read_*"), List.of("run_shell")),
                null, null, null, null, null).version());
        Policy readOnly = PolicyLoader.parse("tools: {allow: [\"read_*\"], deny: [run_shell], readOnly: [\"x__*\"]}\n", "test");
        assertThat(readOnly.version()).isNotEqualTo(withTools.version());
        assertThat(Json.write(readOnly)).contains("\"readOnly\":[\"x__*\"]");
    }
}
