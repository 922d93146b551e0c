package io.devagent.run;

import io.devagent.policy.Policy;
import io.devagent.run.HostileRun.Probe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.devagent.run.HostileRun.fetch;
import static io.devagent.run.HostileRun.read;
import static io.devagent.run.HostileRun.requireSandbox;
import static io.devagent.run.HostileRun.shell;
import static io.devagent.run.HostileRun.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model that tries to get around the policy's globs: {@code shell.deny} patterns dodged by quoting,
 * substitution, wrappers and shell syntax, and tools that {@code tools.deny} takes away.
 */
@ExtendWith(RunFixtureExtension.class)
class HostilePolicyTest {

    RunFixture fx;
    Path ws;

    @BeforeEach
    void setUp(RunFixture fx) throws Exception {
        this.fx = fx;
        ws = fx.workspace;
        Files.writeString(ws.resolve("keep.txt"), "keep me\n");
        Files.createDirectories(ws.resolve("src"));
        Files.writeString(ws.resolve("src/Main.java"), "class Main {}\n");
    }

    /** Each dodge ends by creating a marker file, which exists afterwards only if the command was run. */
    static final List<String> CURL_DODGES = List.of(
            "c'u'rl http://127.0.0.1:9/x",
            "\"curl\" x",
            "$(echo curl) x",
            "`echo curl` x",
            "eval \"curl x\"",
            "bash -c 'curl x'",
            "sh -c \"curl x\"",
            "x=1; curl x",
            "X=1 curl x",
            "c\\url x",
            "\\curl x",
            "$'curl' x",
            "env curl x",
            "command curl x",
            "exec curl x",
            "nohup curl x",
            "true && curl x",
            "false || curl x",
            "echo | curl x",
            "(curl x)",
            "echo $(curl x)",
            "/usr/bin/curl x",
            "./../../usr/bin/curl x",
            "cu\\\nrl x",
            "{ curl x; }",
            "if true; then curl x; fi",
            "for i in 1; do curl x; done",
            "while ! curl x; do break; done",
            "! curl x",
            "timeout 5 curl x",
            "nice curl x",
            "nice -n 5 curl x",
            "setsid curl x",
            "xargs curl <<< x",
            "time curl x");

    static final List<String> RM_DODGES = List.of(
            "r''m -rf *",
            "rm  -rf  *",
            "rm\t-rf *",
            "$(echo rm) -rf *",
            "/bin/rm -rf *",
            "eval 'rm -rf *'");

    @Test
    void shellDenyPatternsCannotBeDodged() throws Exception {
        requireSandbox();
        fx.policy = new Policy(null, null, null, new Policy.Shell(null, List.of("curl*", "rm -rf *"), null), null, null, null);
        List<Probe> probes = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        for (String dodge : CURL_DODGES) {
            String marker = "ran-" + probes.size();
            markers.add(marker);
            probes.add(shell(dodge + "\ntouch " + marker));
        }
        for (String dodge : RM_DODGES) {
            probes.add(shell(dodge));
        }
        int controls = probes.size();
        // Controls: commands that merely mention the words are not refused, so the refusals above are the globs' doing.
        probes.add(shell("echo 'curl is a tool'; touch control-1"));
        probes.add(shell("echo curly > control-2"));
        probes.add(shell("ls; echo 'rm -rf * is dangerous' > control-3"));

        HostileRun run = HostileRun.run(fx, "shell-deny", probes);

        for (int i = 0; i < controls; i++) {
            run.assertRefused(i);
            assertThat(run.message(i)).as("answer to %s", probes.get(i)).contains("shell.deny");
        }
        for (String marker : markers) {
            assertThat(ws.resolve(marker)).as("a refused command ran: %s", marker).doesNotExist();
        }
        assertThat(ws.resolve("keep.txt")).hasContent("keep me");
        assertThat(ws.resolve("src/Main.java")).exists();
        for (int i = controls; i < probes.size(); i++) {
            run.assertRan(i);
        }
        assertThat(ws.resolve("control-1")).exists();
        assertThat(ws.resolve("control-2")).hasContent("curly");
        assertThat(ws.resolve("control-3")).exists();
    }

    @Test
    void aToolDeniedByTheToolGlobsIsNeitherOfferedNorRun() throws Exception {
        requireSandbox();
        fx.policy = new Policy(null, new Policy.Tools(null, List.of("run_*", "http_fetch")), null, null, null, null, null);
        List<Probe> probes = List.of(
                shell("echo ran > shell-ran.txt"),
                fetch("http://127.0.0.1:9/"),
                read("keep.txt"));

        HostileRun run = HostileRun.run(fx, "tools-deny", probes);

        run.assertRefused(0);
        run.assertRefused(1);
        assertThat(run.message(0)).contains("does not allow the tool run_shell");
        assertThat(ws.resolve("shell-ran.txt")).doesNotExist();
        assertThat(run.message(2)).contains("1\tkeep me\n");
        for (int i = 0; i < run.requests.size(); i++) {
            assertThat(run.offered(i)).as("tools offered in request %d", i)
                    .contains("read_file", "write_file").doesNotContain("run_shell", "http_fetch");
        }
        // The refused calls did not run, so the reviewer has no tool of the step to object to.
        assertThat(run.auditTypesOf("review")).allSatisfy(e -> assertThat(e.path("data").path("ok").asBoolean()).isTrue());
    }

    @Test
    void anAllowListLeavesOnlyItsToolsAndTheTextConventionDoesNotDescribeTheOthers() throws Exception {
        fx.vars.put("LLM_TOOL_MODE", "text");
        fx.policy = new Policy(null, new Policy.Tools(List.of("read_file", "list_files"), null), null, null, null, null, null);
        List<Probe> probes = List.of(
                write("planted.txt", "x"),
                shell("echo ran > shell-ran.txt"),
                read("keep.txt"));

        HostileRun run = HostileRun.run(fx, "tools-allow", probes, true);

        assertThat(lastContent(run, 1)).startsWith("<tool_result name=\"write_file\"");
        run.assertRefused(0);
        run.assertRefused(1);
        assertThat(run.message(0)).contains("does not allow the tool write_file");
        assertThat(run.message(1)).contains("does not allow the tool run_shell");
        assertThat(run.message(2)).contains("1\tkeep me\n");
        assertThat(ws.resolve("planted.txt")).doesNotExist();
        assertThat(ws.resolve("shell-ran.txt")).doesNotExist();
        assertThat(run.auditTypesOf("policy_denied")).hasSize(2);
        String system = run.requests.get(0).path("messages").get(0).path("content").asText();
        assertThat(run.requests.get(0).has("tools")).isFalse();
        assertThat(system).contains("<tool_call>", "read_file", "list_files")
                .doesNotContain("write_file", "run_shell", "http_fetch", "search_files");
    }

    private static String lastContent(HostileRun run, int request) {
        var messages = run.requests.get(request).path("messages");
        return messages.get(messages.size() - 1).path("content").asText();
    }
}
