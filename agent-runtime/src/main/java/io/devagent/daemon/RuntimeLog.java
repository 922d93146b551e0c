package io.devagent.daemon;

import io.devagent.audit.Redactor;
import io.devagent.run.AgentConfig;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The main runtime's output ({@code docker logs}): one timestamped line per event; goals and
 * messages pass through the {@link Redactor} first.
 */
final class RuntimeLog {

    private final PrintWriter out;
    private final AgentConfig config;

    RuntimeLog(PrintWriter out, AgentConfig config) {
        this.out = out;
        this.config = config;
    }

    void log(String message) {
        synchronized (out) {
            out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
            out.flush();
        }
    }

    String redact(String text) {
        if (text == null) {
            return "";
        }
        try {
            return Redactor.from(config.env(), config.policy().get().redact()).redact(text);
        } catch (RuntimeException e) {
            return Redactor.from(config.env(), List.of()).redact(text);
        }
    }

    /** A goal as one short quoted line. */
    String describe(String goal) {
        String text = redact(goal).replaceAll("\\s+", " ").strip();
        return "\"" + (text.length() > 100 ? text.substring(0, 100) + "…" : text) + "\"";
    }
}
