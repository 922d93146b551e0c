package io.devagent.cli;

import io.devagent.approval.ApprovalRequest;
import io.devagent.approval.Approver;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A person at the terminal of {@code agent run} answers a call that waits for approval: the call is
 * shown (the diff of an edit, the command of a shell call) and they type y, n (then a reason), or
 * Enter to answer later. Ctrl-C, end of input or "later" leave the run {@code awaiting_approval} for
 * {@code agent approve} / {@code agent deny}.
 */
final class TerminalApprover implements Approver {

    private final Console console;
    private final Runnable beforeAsking;
    private volatile CompletableFuture<Optional<Verdict>> current;

    private TerminalApprover(Console console, Runnable beforeAsking) {
        this.console = console;
        this.beforeAsking = beforeAsking;
    }

    /** The terminal's approver when stdin and stdout are a terminal, else {@link Approver#NONE}. */
    static Approver detect(Runnable beforeAsking) {
        Console console = System.console();
        return console != null && console.isTerminal() ? new TerminalApprover(console, beforeAsking) : Approver.NONE;
    }

    @Override
    public Optional<Verdict> ask(ApprovalRequest request) {
        beforeAsking.run(); // the live progress line is cleared first
        PrintWriter out = console.writer();
        out.println();
        out.println("The run wants to call " + request.name() + " (step " + request.step() + "):");
        request.preview().lines().forEach(line -> out.println("  " + line));
        out.flush();
        CompletableFuture<Optional<Verdict>> answer = new CompletableFuture<>();
        current = answer;
        Thread reader = new Thread(() -> answer.complete(read()), "approval-prompt");
        reader.setDaemon(true);
        reader.start();
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        } finally {
            current = null;
        }
    }

    private Optional<Verdict> read() {
        String by = "terminal (" + System.getProperty("user.name", "unknown") + ")";
        String line = console.readLine("Allow it? [y]es / [n]o / Enter: answer later > ");
        if (line == null) {
            return Optional.empty();
        }
        switch (line.strip().toLowerCase(Locale.ROOT)) {
            case "y", "yes" -> {
                return Optional.of(new Verdict(true, null, by));
            }
            case "n", "no" -> {
                String reason = console.readLine("Reason for the model (optional) > ");
                return Optional.of(new Verdict(false, reason == null || reason.isBlank() ? null : reason.strip(), by));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** A signal arrived while asking: nobody answers now, the run checkpoints itself as waiting. */
    void cancel() {
        CompletableFuture<Optional<Verdict>> waiting = current;
        if (waiting != null) {
            waiting.complete(Optional.empty());
        }
    }
}
