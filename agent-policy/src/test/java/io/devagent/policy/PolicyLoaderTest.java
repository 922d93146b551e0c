package io.devagent.policy;

import io.devagent.config.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PolicyLoaderTest {

    /** The example of SPEC.md "Policy", verbatim. */
    static final String SPEC_EXAMPLE = """
            network: {allow: false, allowHosts: []}   # ALLOW_NET=false forces allow: false
            tools:   {allow: ["*"], deny: []}          # globs over tool names
            files:   {deny: ["**/.env"], readOnly: [".git/**"], writable: true}   # never outside the workspace
            shell:   {enabled: true, deny: [], timeoutSeconds: 60}
            limits:  {maxSteps: 50, maxTokens: 200000, maxToolOutputBytes: 65536}
            review:  {model: false}
            """;

    @TempDir
    Path dir;

    @Test
    void anAbsentFileGivesTheDefaults() throws Exception {
        Policy policy = PolicyLoader.load(dir.resolve("policies/policy.yaml"));
        assertThat(policy).isEqualTo(Policy.defaults());
        assertThat(policy.network().allow()).isNull();
        assertThat(policy.network().allowed()).isFalse();
        assertThat(policy.network().allowHosts()).isEmpty();
        assertThat(policy.tools().allow()).containsExactly("*");
        assertThat(policy.tools().deny()).isEmpty();
        assertThat(policy.files().deny()).containsExactly("**/.env");
        assertThat(policy.files().readOnly()).containsExactly(".git/**");
        assertThat(policy.files().writable()).isTrue();
        assertThat(policy.shell().enabled()).isTrue();
        assertThat(policy.shell().deny()).isEmpty();
        assertThat(policy.shell().timeoutSeconds()).isEqualTo(60);
        assertThat(policy.limits().maxSteps()).isEqualTo(50);
        assertThat(policy.limits().maxTokens()).isEqualTo(200_000L);
        assertThat(policy.limits().maxToolOutputBytes()).isEqualTo(65_536);
        assertThat(policy.review().model()).isFalse();
        assertThat(policy.redact()).isEmpty();
    }

    @Test
    void emptyAndNullDocumentsGiveTheDefaults() throws Exception {
        for (String text : List.of("", "\n\n", "# only a comment\n", "# network: {allow: true}\n# limits: {maxSteps: 3}\n",
                "---\n", "---\n# nothing\n", "~\n", "null\n")) {
            Path file = write(text);
            assertThat(PolicyLoader.load(file)).as("policy of %s", text).isEqualTo(Policy.defaults());
        }
    }

    @Test
    void theSpecExampleParsesToTheDefaultsWithNetworkExplicitlyOff() throws Exception {
        Policy policy = PolicyLoader.load(write(SPEC_EXAMPLE));
        assertThat(policy.network().allow()).isFalse();
        assertThat(policy.withNetwork(Policy.defaults().network())).isEqualTo(Policy.defaults());
    }

    @Test
    void everyFieldIsRead() throws Exception {
        Policy policy = PolicyLoader.load(write("""
                network:
                  allow: true
                  allowHosts: [pypi.org, "*.github.com"]
                tools: {allow: ["read_*", list_files], deny: [run_shell]}
                files: {deny: ["secrets/**"], writable: false}
                shell: {enabled: false, deny: ["rm *"], timeoutSeconds: 5}
                limits: {maxSteps: 7, maxTokens: 1000, maxToolOutputBytes: 4096}
                review: {model: true}
                redact: ["sk-[A-Za-z0-9]+", "password=\\\\S+"]
                """));
        assertThat(policy.network()).isEqualTo(new Policy.Network(true, List.of("pypi.org", "*.github.com")));
        assertThat(policy.tools()).isEqualTo(new Policy.Tools(List.of("read_*", "list_files"), List.of("run_shell")));
        assertThat(policy.files()).isEqualTo(new Policy.Files(List.of("secrets/**"), false));
        assertThat(policy.shell()).isEqualTo(new Policy.Shell(false, List.of("rm *"), 5));
        assertThat(policy.limits()).isEqualTo(new Policy.Limits(7, 1000L, 4096));
        assertThat(policy.review().model()).isTrue();
        assertThat(policy.redact()).containsExactly("sk-[A-Za-z0-9]+", "password=\\S+");
    }

    @Test
    void absentFieldsInAPresentSectionTakeTheirDefaults() throws Exception {
        Policy policy = PolicyLoader.load(write("limits: {maxSteps: 3}\nfiles: {writable: false}\n"));
        assertThat(policy.limits()).isEqualTo(new Policy.Limits(3, 200_000L, 65_536));
        assertThat(policy.files().deny()).containsExactly("**/.env");
        assertThat(policy.files().readOnly()).containsExactly(".git/**");
        assertThat(policy.files().writable()).isFalse();
        assertThat(policy.shell()).isEqualTo(Policy.defaults().shell());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bogus: 1                                      | bogus",
            "network: {allow: true, alow: false}           | network.alow",
            "limits: {maxStep: 10}                         | limits.maxStep",
            "files: {deny: [a], writeable: false}          | files.writeable",
            "limits: {maxSteps: many}                      | limits.maxSteps",
            "limits: {maxTokens: [1, 2]}                   | limits.maxTokens",
            "shell: {enabled: perhaps}                     | shell.enabled",
            "shell: {timeoutSeconds: {a: 1}}               | shell.timeoutSeconds",
            "files: {deny: {x: y}}                         | files.deny",
            "tools: {allow: [[nested]]}                    | tools.allow[0]",
            "network: yes                                  | network",
            "redact: {a: b}                                | redact",
            "limits: {maxSteps: 1.7}                       | limits.maxSteps",
            "limits: {maxToolOutputBytes: 99999999999}     | limits.maxToolOutputBytes",
            // Valid types, invalid values.
            "limits: {maxSteps: 0}                         | limits.maxSteps",
            "limits: {maxSteps: -1}                        | limits.maxSteps",
            "limits: {maxTokens: 0}                        | limits.maxTokens",
            "limits: {maxToolOutputBytes: 10}              | limits.maxToolOutputBytes",
            "shell: {timeoutSeconds: 0}                    | shell.timeoutSeconds",
            "redact: [ok, '(unclosed']                     | redact[1]",
            "redact: ['[z-a]']                             | redact[0]",
    })
    void unknownFieldsWrongTypesAndInvalidValuesNameTheFileAndTheField(String yaml, String field) throws IOException {
        Path file = write(yaml);
        PolicyException e = refused(file);
        assertThat(e.getMessage()).startsWith(file.toString()).contains("field '" + field + "'");
        assertThat(e.getMessage()).doesNotContain("\n");
    }

    @Test
    void everyInvalidValueIsReportedAtOnce() throws IOException {
        Path file = write("limits: {maxSteps: 0, maxTokens: 0}\nshell: {timeoutSeconds: 0}\n");
        PolicyException e = refused(file);
        assertThat(e.getMessage()).contains("limits.maxSteps", "limits.maxTokens", "shell.timeoutSeconds");
    }

    @Test
    void badYamlNamesTheFileAndTheLine() throws IOException {
        Path file = write("network: {allow: true}\n]\n");
        PolicyException e = refused(file);
        assertThat(e.getMessage()).isEqualTo(file + ":2: not valid YAML: expected <block end>, but found ']'");

        Path tabs = write("network:\n\tallow: true\n");
        PolicyException tabError = refused(tabs);
        assertThat(tabError.getMessage()).startsWith(tabs + ":2: not valid YAML");
    }

    @Test
    void aRepeatedKeyIsAnErrorNotASilentOverride() throws IOException {
        // Without the check, the second "files:" would replace the first and make the workspace writable again.
        Path file = write("files: {writable: false}\nshell: {enabled: false}\nfiles: {deny: []}\n");
        PolicyException e = refused(file);
        assertThat(e.getMessage()).startsWith(file + ":3: not valid YAML").contains("'files'");

        Path nested = write("network: {allow: false, allow: true}\n");
        assertThat(refused(nested).getMessage()).contains("'allow'");
    }

    @Test
    void aListAtTheTopIsNotAPolicy() throws IOException {
        Path file = write("- network\n- files\n");
        PolicyException e = refused(file);
        assertThat(e.getMessage()).startsWith(file.toString());
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsReported() throws IOException {
        Path file = Files.createDirectories(dir.resolve("policy.yaml"));
        PolicyException e = refused(file);
        assertThat(e.getMessage()).startsWith(file + ": cannot read");
    }

    @Test
    void parseNamesTheGivenSource() {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.parse("limits: {maxSteps: 0}", "Policy default/strict"));
        assertThat(e.getMessage()).isEqualTo("Policy default/strict: field 'limits.maxSteps': must be at least 1");
    }

    // effective(): the environment can only narrow network access.

    @ParameterizedTest(name = "policy allow={0}, ALLOW_NET={1} -> {2}")
    @CsvSource(nullValues = "unset", value = {
            "unset, unset, false",
            "unset, false, false",
            "unset, true, true",
            "unset, 1, true",
            "unset, yes, true",
            "true, unset, false",
            "true, false, false",
            "true, '', false",
            "true, true, true",
            "true, TRUE, true",
            "false, unset, false",
            "false, false, false",
            "false, true, false",
    })
    void allowNetAndThePolicyBothHaveToAllowNetwork(Boolean policyAllow, String allowNet, boolean expected) {
        Policy policy = Policy.defaults().withNetwork(new Policy.Network(policyAllow, List.of("pypi.org")));
        Environment env = new Environment(allowNet == null ? Map.of() : Map.of("ALLOW_NET", allowNet));
        Policy effective = PolicyLoader.effective(policy, env);
        assertThat(effective.network().allowed()).isEqualTo(expected);
        assertThat(effective.network().allow()).isEqualTo(expected);
        assertThat(effective.network().allowHosts()).containsExactly("pypi.org");
        assertThat(effective.withNetwork(policy.network())).as("nothing else changes").isEqualTo(policy);
    }

    @Test
    void effectiveOnTheLoadedSpecExampleKeepsNetworkOffEvenWithAllowNet() throws Exception {
        Policy spec = PolicyLoader.parse(SPEC_EXAMPLE, "spec");
        assertThat(PolicyLoader.effective(spec, new Environment(Map.of("ALLOW_NET", "true"))).network().allowed()).isFalse();
        Policy open = PolicyLoader.parse("network: {allow: true}", "open");
        assertThat(PolicyLoader.effective(open, new Environment(Map.of())).network().allowed()).isFalse();
        assertThat(PolicyLoader.effective(open, new Environment(Map.of("ALLOW_NET", "true"))).network().allowed()).isTrue();
    }

    /** What loading {@code file} throws (failing when it loads). */
    private static PolicyException refused(Path file) {
        return assertThrows(PolicyException.class, () -> PolicyLoader.load(file));
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "policy", ".yaml");
        Files.writeString(file, text);
        return file;
    }
}
