package io.devagent.tool;

import com.sun.net.httpserver.HttpServer;
import io.devagent.policy.Policy;
import io.devagent.testkit.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.devagent.tool.ToolFixtures.args;
import static io.devagent.tool.ToolFixtures.context;
import static io.devagent.tool.ToolFixtures.eventually;
import static io.devagent.tool.ToolFixtures.policy;
import static io.devagent.tool.ToolFixtures.refused;
import static io.devagent.tool.ToolFixtures.requireProgram;
import static io.devagent.tool.ToolFixtures.requireSandbox;
import static org.assertj.core.api.Assertions.assertThat;

/** run_shell with real processes: the bubblewrap sandbox, the timeout, the output cap, network and secrets. */
class RunShellToolTest {

    private static final String SECRET = "sk-test-4b1d-do-not-leak";
    private static final Map<String, String> UNCONFINED = Map.of("AGENT_SHELL_SANDBOX", "none");
    /** Makes this run's sleep commands recognisable among the machine's processes, even with other builds running. */
    private static final String TAG = "0" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);

    @TempDir
    Path base;

    Path ws;
    Path outside;
    HttpServer server;
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final RunShellTool tool = new RunShellTool();

    @BeforeEach
    void setUp() throws IOException {
        ws = Files.createDirectories(base.resolve("ws")).toRealPath();
        outside = Files.createDirectories(base.resolve("outside")).toRealPath();
        Files.writeString(outside.resolve("secret.txt"), "outside-secret-content\n");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private ToolResult run(String command, ToolContext ctx) throws Exception {
        return tool.execute(args("command", command), ctx);
    }

    @Test
    void reportsTheExitCodeAndTheCombinedOutput() throws Exception {
        requireSandbox();
        ToolContext ctx = context(ws);
        ToolResult failed = run("echo out; echo err >&2; exit 3", ctx);
        assertThat(failed.error()).isTrue();
        assertThat(failed.output()).isEqualTo("exit code: 3\nout\nerr\n");

        ToolResult fine = run("printf hello", ctx);
        assertThat(fine.error()).isFalse();
        assertThat(fine.output()).isEqualTo("exit code: 0\nhello");
    }

    @Test
    void runsInTheWorkspaceAndCanChangeIt() throws Exception {
        requireSandbox();
        Files.writeString(ws.resolve("in.txt"), "from the host\n");
        ToolResult result = run("pwd; cat in.txt; echo made > made.txt", context(ws));
        assertThat(result.output()).isEqualTo("exit code: 0\n" + ws + "\nfrom the host\n");
        assertThat(ws.resolve("made.txt")).hasContent("made\n");
    }

    @Test
    void theOutputIsCappedAndTheRestCounted() throws Exception {
        requireSandbox();
        ToolContext ctx = context(ws, policy("limits: {maxToolOutputBytes: 1000}"), Map.of());
        ToolResult result = run("head -c 100000 /dev/zero | tr '\\0' a", ctx);
        assertThat(result.output()).isEqualTo("exit code: 0\n" + "a".repeat(1000) + "\n[output truncated: 99000 more bytes]");
    }

    @Test
    void aTimeoutKillsTheCommandAndItsBackgroundChildrenInTheSandbox() throws Exception {
        requireSandbox();
        assertTimeoutKillsTree(context(ws, policy("shell: {timeoutSeconds: 1}"), Map.of()), "3." + TAG, "30." + TAG);
    }

    @Test
    void aTimeoutKillsTheCommandAndItsBackgroundChildrenUnconfined() throws Exception {
        assertTimeoutKillsTree(context(ws, policy("shell: {timeoutSeconds: 1}"), UNCONFINED), "3." + TAG, "30." + TAG);
    }

    /**
     * The background child would write late.txt after {@code shortSleep} seconds if it survived. Every
     * process of the command carries the markers in its command line: once none is left, late.txt is
     * either there already or never will be.
     */
    private void assertTimeoutKillsTree(ToolContext ctx, String shortSleep, String longSleep) throws Exception {
        ToolResult result = run("echo started; (sleep " + shortSleep + "; echo late > late.txt) & sleep " + longSleep, ctx);

        assertThat(result.error()).isTrue();
        assertThat(result.output()).startsWith("error: timed out after 1s").contains("started");
        assertThat(eventually(ws, Duration.ofSeconds(3), () -> processesWith(shortSleep, longSleep).isEmpty()))
                .as("processes left: %s", processesWith(shortSleep, longSleep)).isTrue();
        assertThat(ws.resolve("late.txt")).doesNotExist();
    }

    @Test
    void aBackgroundChildDoesNotOutliveTheCommandInTheSandbox() throws Exception {
        requireSandbox();
        ToolResult result = run("(sleep 1.5" + TAG + "; echo late > late.txt) & echo done", context(ws));
        assertThat(result.output()).isEqualTo("exit code: 0\ndone\n");
        // Once no process of the command is left, late.txt is there already or never will be.
        assertThat(eventually(ws, Duration.ofSeconds(3), () -> processesWith("1.5" + TAG).isEmpty()))
                .as("processes left: %s", processesWith("1.5" + TAG)).isTrue();
        assertThat(ws.resolve("late.txt")).doesNotExist();
    }

    @Test
    void interruptingTheCallKillsTheCommand() throws Exception {
        requireSandbox();
        ToolContext ctx = context(ws);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                run("echo > started.txt; sleep 30." + TAG, ctx);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertThat(eventually(ws, Duration.ofSeconds(10), () -> Files.exists(ws.resolve("started.txt")))).isTrue();
        caller.interrupt();
        caller.join(5000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(eventually(ws, Duration.ofSeconds(3), () -> processesWith("30." + TAG).isEmpty())).isTrue();
    }

    @Test
    void withNetworkOffTheCommandCannotReachALoopbackServer() throws Exception {
        requireSandbox();
        requireProgram("/usr/bin/curl");
        requireProgram("/usr/bin/python3");
        int port = startServer();
        ToolResult result = run(clients(port), context(ws));
        assertThat(result.output()).contains("clients-finished");
        assertThat(hits).as("requests that reached the host's loopback server").isEmpty();
    }

    @Test
    void withNetworkOnTheSameClientsDoReachIt() throws Exception {
        // The control for the test above: the clients work, so their silence there means the sandbox stopped them.
        requireSandbox();
        requireProgram("/usr/bin/curl");
        requireProgram("/usr/bin/python3");
        int port = startServer();
        ToolContext ctx = ToolFixtures.networkContext(ws, "");
        assertThat(ctx.policy().network().allowed()).isTrue();
        ToolResult result = run(clients(port), ctx);
        assertThat(result.output()).contains("clients-finished");
        assertThat(hits.keySet()).containsExactlyInAnyOrder("/curl", "/bash", "/python");
    }

    private static String clients(int port) {
        String url = "http://127.0.0.1:" + port;
        return "curl -s -m 5 " + url + "/curl; echo curl=$?\n"
                + "timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf \"GET /bash HTTP/1.0\\r\\n\\r\\n\" >&3 && cat <&3'; echo bash=$?\n"
                + "python3 -c 'import urllib.request; urllib.request.urlopen(\"" + url + "/python\", timeout=5).read()'; echo python=$?\n"
                + "echo clients-finished";
    }

    private int startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            hits.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Test
    void theCommandCannotReadOrWriteOutsideTheWorkspace() throws Exception {
        requireSandbox();
        Path secret = outside.resolve("secret.txt");
        Path planted = outside.resolve("planted.txt");
        ToolResult result = run("cat " + secret + "; echo cat=$?; ls " + outside + "; echo ls=$?; "
                + "cat /etc/shadow; echo shadow=$?; mkdir -p " + outside + " && echo pwned > " + planted + "; ls /root; echo root=$?", context(ws));
        assertThat(result.output()).doesNotContain("outside-secret-content").contains("cat=1", "shadow=1").containsPattern("ls=[1-9]");
        assertThat(result.output()).doesNotContain("root:");
        assertThat(planted).doesNotExist();
        assertThat(secret).hasContent("outside-secret-content\n");
        // The control: the host can read it, so only the sandbox kept it from the command.
        assertThat(Files.isReadable(secret)).isTrue();
    }

    @Test
    void secretsInTheToolContextAreNotPassedToTheCommand() throws Exception {
        requireSandbox();
        ToolContext ctx = context(ws, Policy.defaults(), Map.of("LLM_API_KEY", SECRET, "GITHUB_TOKEN", SECRET));
        assertThat(run("env", ctx).output()).doesNotContain(SECRET).doesNotContain("LLM_API_KEY");
    }

    @Test
    void secretsInTheProcessEnvironmentDoNotReachTheSandboxedCommand() throws Exception {
        requireSandbox();
        String seen = probeEnvironment(Map.of());
        assertThat(seen).contains("probe-done", "HOME=/tmp", "PATH=");
        assertThat(seen).doesNotContain(SECRET, "LLM_API_KEY", "GITHUB_TOKEN", "visible-marker-9c2e");
    }

    @Test
    void secretsInTheProcessEnvironmentDoNotReachAnUnconfinedCommand() throws Exception {
        String seen = probeEnvironment(UNCONFINED);
        assertThat(seen).contains("probe-done");
        // The control: ordinary variables are inherited, so the missing ones were removed on purpose.
        assertThat(seen).contains("DEVAGENT_PROBE_VISIBLE=visible-marker-9c2e");
        assertThat(seen).doesNotContain(SECRET, "LLM_API_KEY", "GITHUB_TOKEN", "AGENT_DASHBOARD_TOKEN", "MY_DB_PASSWORD",
                "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "LLM_BASE_URL", "AGENT_SHELL_SANDBOX");
    }

    /** Runs {@link ShellEnvProbe} in a child JVM whose environment holds secrets, and returns what {@code env} showed. */
    private String probeEnvironment(Map<String, String> extra) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath, ShellEnvProbe.class.getName(), ws.toString())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("LLM_API_KEY", SECRET);
        env.put("GITHUB_TOKEN", SECRET);
        env.put("AGENT_DASHBOARD_TOKEN", SECRET);
        env.put("MY_DB_PASSWORD", SECRET);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET);
        env.put("OPENAI_API_KEY", SECRET);
        env.put("LLM_BASE_URL", "http://user:" + SECRET + "@127.0.0.1:1234/v1");
        env.put("DEVAGENT_PROBE_VISIBLE", "visible-marker-9c2e");
        env.remove("CLASSPATH");
        env.putAll(extra);
        Process probe = builder.start();
        byte[] out = probe.getInputStream().readAllBytes();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(text).isZero();
        return text;
    }

    @Test
    void aDisabledShellRefusesAndRunsNothing() throws Exception {
        ToolContext ctx = context(ws, policy("shell: {enabled: false}"), UNCONFINED);
        ToolException e = refused("policy_denied", tool, args("command", "touch ran.txt"), ctx);
        assertThat(e.getMessage()).contains("shell.enabled");
        assertThat(ws.resolve("ran.txt")).doesNotExist();
    }

    @Test
    void deniedCommandsAreRefusedAndRunNothing() throws Exception {
        ToolContext ctx = context(ws, policy("shell: {deny: [\"rm *\", \"git push*\"]}"), UNCONFINED);
        Files.writeString(ws.resolve("keep.txt"), "keep");
        for (String command : List.of("rm -rf keep.txt", "  rm keep.txt", "echo a; rm keep.txt", "true && rm keep.txt",
                "false || rm keep.txt", "echo x | rm keep.txt", "echo a\nrm keep.txt", "git push origin main")) {
            ToolException e = refused("policy_denied", tool, args("command", command), ctx);
            assertThat(e.getMessage()).contains("shell.deny");
        }
        assertThat(ws.resolve("keep.txt")).hasContent("keep");
        assertThat(run("echo allowed; git status >/dev/null 2>&1; echo rmdir-is-not-rm", ctx).output())
                .isEqualTo("exit code: 0\nallowed\nrmdir-is-not-rm\n");
    }

    @Test
    void badArguments() throws Exception {
        ToolContext ctx = context(ws);
        refused("bad_arguments", tool, args(), ctx);
        refused("bad_arguments", tool, args("command", ""), ctx);
        refused("bad_arguments", tool, args("command", "   \n"), ctx);
        refused("bad_arguments", tool, ToolFixtures.args().put("command", 7), ctx);
    }

    /** Live processes whose command line mentions any of the markers. */
    private static List<String> processesWith(String... markers) {
        return Processes.withCommandLine(markers);
    }
}
