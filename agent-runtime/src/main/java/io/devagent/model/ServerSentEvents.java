package io.devagent.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Server-sent events read from a stream as the HTML standard's event-stream parser reads them
 * (§9.2.6): lines end in CR, LF or CRLF; a line that starts with a colon is a comment; {@code data}
 * lines accumulate (joined by newlines) until a blank line dispatches the event; {@code event}
 * names it, {@code id} sets the last event id and {@code retry} the reconnection time; an unknown
 * field is ignored, and an event the stream ends in the middle of is discarded.
 */
final class ServerSentEvents {

    /** One dispatched event: its type ({@code message} unless named), its data and the last event id at the time. */
    record Event(String type, String data, String lastEventId) {
    }

    private final BufferedReader reader;
    private boolean first = true;
    private String lastEventId = "";
    private Long retryMillis;

    ServerSentEvents(InputStream body) {
        // readLine ends a line at CR, LF or CRLF: the three line ends the format allows.
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event, or empty at the end of the stream. */
    Optional<Event> next() throws IOException {
        StringBuilder data = new StringBuilder();
        String type = "";
        String line;
        while ((line = reader.readLine()) != null) {
            if (first) {
                first = false;
                if (line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
            }
            if (line.isEmpty()) {
                if (data.isEmpty()) {
                    type = "";
                    continue;
                }
                data.setLength(data.length() - 1);
                return Optional.of(new Event(type.isEmpty() ? "message" : type, data.toString(), lastEventId));
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "data" -> data.append(value).append('\n');
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value;
                    }
                }
                case "retry" -> {
                    if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() < 19) {
                        retryMillis = Long.parseLong(value);
                    }
                }
                default -> {
                    // ignored, as the format says
                }
            }
        }
        return Optional.empty();
    }

    String lastEventId() {
        return lastEventId;
    }

    /** The reconnection time the server asked for, if it did. A completion cannot be resumed, so the client does not reconnect. */
    Optional<Long> retryMillis() {
        return Optional.ofNullable(retryMillis);
    }
}
