package io.devagent.cli;

import io.devagent.testkit.ScriptedModelServer;
import io.devagent.testkit.ScriptedModelServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code agent run} on a real terminal (a pseudo-terminal from util-linux {@code script}): the call
 * that waits for approval is shown with its diff and the person's keystrokes answer it.
 */
class TerminalApprovalTest {

    @TempDir
    Path root;
    ScriptedModelServer server;
    CliFixture fx;
    Process terminal;

    @BeforeEach
    void setUp() throws Exception {
        boolean hasScript = Files.isExecutable(Path.of("/usr/bin/script")) || Files.isExecutable(Path.of("/bin/script"));
        if (!hasScript && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("util-linux 'script' is needed for the terminal approval test under CI=true");
        }
        Assumptions.assumeTrue(hasScript, "skipped: util-linux 'script' (a pseudo-terminal) is not installed");
        server = ScriptedModelServer.start().selectBy(ScriptedModelServer.Selector.ASSISTANT_TURNS)
                .script(Reply.toolCall("write_file", "{\"path\":\"greeting.txt\",\"content\":\"hello, world\\n\"}"),
                        Reply.text("Edited greeting.txt."));
        fx = new CliFixture(root, server);
        fx.vars.put("LLM_MODEL", "scripted-model");
        Files.writeString(fx.workspace.resolve("greeting.txt"), "hello\n");
        Files.createDirectories(fx.state.resolve("policies"));
        Files.writeString(fx.state.resolve("policies/policy.yaml"), "approve: [write_file]\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (terminal != null && terminal.isAlive()) {
            terminal.destroyForcibly();
            terminal.waitFor(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPersonAtTheTerminalSeesTheDiffAndApproves() throws Exception {
        StringBuilder screen = startOnTerminal("run", "Greet the world");
        OutputStream keyboard = terminal.getOutputStream();

        awaitScreen(screen, "Allow it?");
        assertThat(screen.toString()).contains("The run wants to call write_file").contains("-hello").contains("+hello, world");
        keyboard.write("y\n".getBytes(StandardCharsets.UTF_8));
        keyboard.flush();

        assertThat(terminal.waitFor(60, TimeUnit.SECONDS)).as(screen.toString()).isTrue();
        assertThat(terminal.exitValue()).as(screen.toString()).isZero();
        assertThat(screen.toString()).contains("Edited greeting.txt.");
        assertThat(fx.workspace.resolve("greeting.txt")).hasContent("hello, world");
    }

    @Test
    void enterLeavesTheRunWaitingForAnAnswerGivenLater() throws Exception {
        StringBuilder screen = startOnTerminal("run", "Greet the world");
        awaitScreen(screen, "Allow it?");
        terminal.getOutputStream().write("\n".getBytes(StandardCharsets.UTF_8));
        terminal.getOutputStream().flush();

        assertThat(terminal.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(terminal.exitValue()).as(screen.toString()).isEqualTo(ExitCodes.AWAITING_APPROVAL);
        assertThat(screen.toString()).contains("agent approve");
        assertThat(fx.workspace.resolve("greeting.txt")).hasContent("hello");
    }

    /** Starts {@code agent ARGS} on a pseudo-terminal; what it shows is collected as it comes. */
    private StringBuilder startOnTerminal(String... args) throws IOException {
        String command = fx.javaCommand(args).stream().map(TerminalApprovalTest::quote).collect(Collectors.joining(" "));
        Path launcher = root.resolve("launch.sh");
        Files.writeString(launcher, "#!/bin/sh\ncd " + quote(fx.workspace.toString()) + " && exec " + command + "\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", launcher.toString(), "/dev/null");
        builder.environment().clear();
        builder.environment().putAll(fx.vars);
        builder.environment().put("TERM", "dumb");
        builder.redirectErrorStream(true);
        terminal = builder.start();
        StringBuilder screen = new StringBuilder();
        Thread reader = new Thread(() -> copy(terminal.getInputStream(), screen), "terminal-screen");
        reader.setDaemon(true);
        reader.start();
        return screen;
    }

    private static void copy(InputStream in, StringBuilder screen) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (screen) {
                    screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    screen.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the terminal closed
        }
    }

    /** Waits for text to appear on the screen (woken by each new output), failing if the program ends first. */
    private void awaitScreen(StringBuilder screen, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (screen) {
            while (screen.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!terminal.isAlive() && screen.indexOf(text) < 0)) {
                    throw new AssertionError("'" + text + "' never showed on the terminal:\n" + screen);
                }
                TimeUnit.NANOSECONDS.timedWait(screen, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }
}
