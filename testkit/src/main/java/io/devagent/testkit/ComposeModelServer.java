package io.devagent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.devagent.testkit.ScriptedModelServer.Reply;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scripted model of the container end-to-end test (scripts/compose-e2e.sh), run on the host:
 * {@code ComposeModelServer PORT}. Each goal the test hands the runtime gets its own script, picked
 * by a keyword of the goal and the turn (the number of assistant messages so far, so that a resumed
 * run asks the same questions again). Prints one line per request ({@code request KEY turn N}) and
 * {@code stalled KEY turn N} when it holds a reply back, so that the script waits on those lines.
 *
 * <ul>
 *   <li>{@code Summarize repo}: reads README.md, answers with a summary;</li>
 *   <li>{@code greeting}: writes greeting.txt, runs a shell command on it, answers with what the
 *       shell returned (its output, or why it was refused);</li>
 *   <li>{@code long task}, {@code crash task} and {@code killed task}: write KEY-part-1.txt, then the first ask of turn 2 is held
 *       back until the server stops (so the run is in flight while the container stops or is killed);
 *       asked again (the resumed run), turn 2 writes KEY-part-2.txt and turn 3 answers.</li>
 * </ul>
 */
public final class ComposeModelServer {

    /** How long a held-back reply waits at most: past any stop the test makes, short of the client's timeout. */
    private static final long HOLD_SECONDS = 300;

    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private ComposeModelServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        ComposeModelServer script = new ComposeModelServer();
        ScriptedModelServer server = ScriptedModelServer.start(port).models("e2e-model").whenExhausted(script::serve);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            script.closing.countDown();
            server.close();
        }));
        System.out.println("serving " + server.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private void serve(HttpExchange exchange, JsonNode request) throws IOException {
        String key = key(request);
        int turn = turn(request);
        say("request " + key + " turn " + turn);
        reply(key, turn, request).serve(exchange, request);
    }

    private Reply reply(String key, int turn, JsonNode request) {
        return switch (key) {
            case "summarize" -> turn == 0
                    ? Reply.toolCall("read_file", "{\"path\":\"README.md\"}")
                    : Reply.text("Summary: a small repository whose README says: " + firstLine(lastToolResult(request)));
            case "greeting" -> switch (turn) {
                case 0 -> Reply.toolCall("write_file", "{\"path\":\"greeting.txt\",\"content\":\"hello from the container\\n\"}");
                case 1 -> Reply.toolCall("run_shell", "{\"command\":\"cat greeting.txt; id -u; grep -c '^Seccomp:.*2' /proc/self/status\"}");
                default -> Reply.text("shell said: " + lastToolResult(request).replace('\n', ' ').strip());
            };
            case "long", "crash", "killed" -> switch (turn) {
                case 0 -> Reply.toolCall("write_file", "{\"path\":\"" + key + "-part-1.txt\",\"content\":\"one\\n\"}");
                case 1 -> held.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement() == 0
                        ? holdBack(key, turn)
                        : Reply.toolCall("write_file", "{\"path\":\"" + key + "-part-2.txt\",\"content\":\"two\\n\"}");
                default -> Reply.text(key + " task done: both parts written");
            };
            default -> Reply.text("(no script for this goal)");
        };
    }

    /** Answers nothing until the server stops (or {@link #HOLD_SECONDS}), then drops the connection. */
    private Reply holdBack(String key, int turn) {
        return (exchange, request) -> {
            say("stalled " + key + " turn " + turn);
            try {
                closing.await(HOLD_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        };
    }

    private static String key(JsonNode request) {
        for (JsonNode message : request.path("messages")) {
            if ("user".equals(message.path("role").asText())) {
                String text = message.path("content").asText().toLowerCase();
                for (String key : List.of("summarize", "greeting", "long", "crash", "killed")) {
                    if (text.contains(key)) {
                        return key;
                    }
                }
            }
        }
        return "unknown";
    }

    private static int turn(JsonNode request) {
        int n = 0;
        for (JsonNode message : request.path("messages")) {
            if ("assistant".equals(message.path("role").asText())) {
                n++;
            }
        }
        return n;
    }

    private static String lastToolResult(JsonNode request) {
        String last = "";
        for (JsonNode message : request.path("messages")) {
            if ("tool".equals(message.path("role").asText())) {
                last = message.path("content").asText();
            }
        }
        return last;
    }

    private static String firstLine(String text) {
        // read_file numbers its lines (cat -n style): the summary quotes the text, not the number.
        return text.strip().lines().findFirst().orElse("").replaceFirst("^\\s*\\d+\\t", "");
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
