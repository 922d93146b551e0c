package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.config.Environment;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One endpoint of {@code tools/mcp_endpoints.json}, as the user configured it (its {@code status}
 * is the runtime's, see {@link EndpointStatus}). {@code config} is the part of the endpoint's JSON
 * that says how to reach it: an endpoint whose config changed is reconnected on reload. Fields the
 * runtime does not know (a note, an owner) are kept as they are and change nothing.
 *
 * @param name            letters, digits, {@code _} and {@code -}, without {@code __}: tools are offered as {@code <name>__<tool>}
 * @param transport       {@code stdio}, {@code streamable-http} or {@code sse}
 * @param url             the HTTP endpoint ({@code streamable-http}, {@code sse})
 * @param command         the server's command line ({@code stdio})
 * @param env             variables for a stdio server, on top of a clean environment (PATH, HOME, USER, LOGNAME, SHELL, TERM)
 * @param cwd             a stdio server's working directory (default: the runtime's)
 * @param auth            credentials for the HTTP transports
 * @param rateLimit       tool calls per minute, burst, and how long a call may wait for its turn
 * @param timeout         how long one tool call may take ({@code timeoutSeconds}, default 60)
 * @param connectTimeout  how long connecting may take ({@code connectTimeoutSeconds}, default 10)
 * @param healthInterval  how often a connected endpoint is pinged ({@code healthIntervalSeconds}, default 30)
 * @param maxBackoff      the longest wait between reconnect attempts ({@code maxBackoffSeconds}, default 300)
 */
public record Endpoint(String name, Transport transport, String url, List<String> command, Map<String, String> env, String cwd,
                       Auth auth, RateLimit rateLimit, Duration timeout, Duration connectTimeout, Duration healthInterval,
                       Duration maxBackoff, ObjectNode config) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    /** The fields that say how to reach the endpoint: a change in any of them reconnects it. */
    private static final List<String> CONFIG_FIELDS = List.of("name", "transport", "url", "command", "env", "cwd", "auth", "rateLimit",
            "timeoutSeconds", "connectTimeoutSeconds", "healthIntervalSeconds", "maxBackoffSeconds");

    /** How the runtime talks to the server. */
    public enum Transport {
        STDIO("stdio"), STREAMABLE_HTTP("streamable-http"), SSE("sse");

        private final String json;

        Transport(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }

        public boolean http() {
            return this != STDIO;
        }
    }

    /**
     * Credentials for an HTTP endpoint: a bearer token given literally ({@code token}), or better by
     * the name of a variable ({@code tokenEnv}) or a file ({@code tokenFile}); and/or extra
     * {@code headers}. Tokens never appear in any output.
     */
    public record Auth(String token, String tokenEnv, String tokenFile, Map<String, String> headers) {

        public static final Auth NONE = new Auth(null, null, null, Map.of());

        public Auth {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        /** The headers to send and the secret values in them, with tokens read from the environment or a file now. */
        public Resolved resolve(Environment env, Path baseDir) throws EndpointsException {
            Map<String, String> out = new LinkedHashMap<>(headers);
            List<String> secrets = new ArrayList<>(headers.values());
            String bearer = null;
            if (token != null) {
                bearer = token;
            } else if (tokenEnv != null) {
                bearer = env.get(tokenEnv).orElseThrow(() -> new EndpointsException(
                        "auth.tokenEnv: the variable " + tokenEnv + " is not set"));
            } else if (tokenFile != null) {
                Path file = baseDir.resolve(tokenFile);
                try {
                    bearer = Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new EndpointsException("auth.tokenFile: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
                }
                if (bearer.isEmpty()) {
                    throw new EndpointsException("auth.tokenFile: " + file + " is empty");
                }
            }
            if (bearer != null) {
                out.put("Authorization", "Bearer " + bearer);
                secrets.add(bearer);
            }
            return new Resolved(Map.copyOf(out), List.copyOf(secrets));
        }

        /** Resolved credentials: the headers to send, and the values to mask wherever they might show. */
        public record Resolved(Map<String, String> headers, List<String> secrets) {
            public static final Resolved NONE = new Resolved(Map.of(), List.of());
        }
    }

    /**
     * A token bucket: {@code requestsPerMinute} refill, {@code burst} at most at once (default: a
     * minute's worth), and a call waits at most {@code maxWaitSeconds} (default 10) for its turn.
     */
    public record RateLimit(double requestsPerMinute, int burst, Duration maxWait) {
    }

    /** Reads one endpoint object; {@code where} names it in messages ({@code endpoints[2]}). */
    public static Endpoint parse(JsonNode node, String where) throws EndpointsException {
        if (node == null || !node.isObject()) {
            throw new EndpointsException(where + ": must be an object");
        }
        String name = text(node, "name", where);
        if (name == null || !NAME.matcher(name).matches() || name.contains("__")) {
            throw new EndpointsException(where + ".name: required; 1 to 40 letters, digits, '_' or '-', without '__'");
        }
        where = where + " (" + name + ")";
        String url = text(node, "url", where);
        List<String> command = command(node.get("command"), where);
        String transportText = text(node, "transport", where);
        Transport transport;
        if (transportText == null) {
            transport = command != null ? Transport.STDIO : Transport.STREAMABLE_HTTP;
        } else {
            transport = switch (transportText.toLowerCase(Locale.ROOT)) {
                case "stdio" -> Transport.STDIO;
                case "streamable-http", "streamable_http", "streamablehttp", "http" -> Transport.STREAMABLE_HTTP;
                case "sse" -> Transport.SSE;
                default -> throw new EndpointsException(where + ".transport: '" + transportText + "' is not one of stdio, streamable-http, sse");
            };
        }
        if (transport == Transport.STDIO) {
            if (command == null) {
                throw new EndpointsException(where + ".command: a stdio endpoint needs its command line, e.g. [\"node\", \"server.js\"]");
            }
        } else {
            if (url == null) {
                throw new EndpointsException(where + ".url: a " + transport.json() + " endpoint needs its URL, e.g. http://127.0.0.1:3001/mcp");
            }
            try {
                URI uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new EndpointsException(where + ".url: '" + url + "' is not an http:// or https:// URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new EndpointsException(where + ".url: '" + url + "' is not a valid URL");
            }
        }
        Map<String, String> env = stringMap(node.get("env"), where + ".env");
        String cwd = text(node, "cwd", where);
        Auth auth = auth(node.get("auth"), where);
        if (transport == Transport.STDIO && auth != Auth.NONE) {
            throw new EndpointsException(where + ".auth: applies to the HTTP transports; give a stdio server what it needs in env");
        }
        RateLimit rateLimit = rateLimit(node.get("rateLimit"), where);
        ObjectNode config = io.devagent.json.Json.object();
        for (String field : CONFIG_FIELDS) {
            if (node.has(field)) {
                config.set(field, node.get(field).deepCopy());
            }
        }
        return new Endpoint(name, transport, url, command, env, cwd, auth, rateLimit,
                seconds(node, "timeoutSeconds", 60, where), seconds(node, "connectTimeoutSeconds", 10, where),
                seconds(node, "healthIntervalSeconds", 30, where), seconds(node, "maxBackoffSeconds", 300, where), config);
    }

    /** Where the server is, for listings: the URL, or the command line. */
    public String target() {
        return transport == Transport.STDIO ? String.join(" ", command) : url;
    }

    private static List<String> command(JsonNode node, String where) throws EndpointsException {
        if (node == null || node.isNull()) {
            return null;
        }
        List<String> argv = new ArrayList<>();
        if (node.isTextual() && !node.asText().isBlank()) {
            argv.addAll(List.of(node.asText().trim().split("\\s+")));
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode arg : node) {
                if (!arg.isTextual()) {
                    throw new EndpointsException(where + ".command: every element must be a string");
                }
                argv.add(arg.asText());
            }
        } else {
            throw new EndpointsException(where + ".command: must be a non-empty array of strings");
        }
        return List.copyOf(argv);
    }

    private static Auth auth(JsonNode node, String where) throws EndpointsException {
        if (node == null || node.isNull()) {
            return Auth.NONE;
        }
        if (!node.isObject()) {
            throw new EndpointsException(where + ".auth: must be an object with token, tokenEnv, tokenFile or headers");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!Set.of("token", "tokenEnv", "tokenFile", "headers").contains(field)) {
                throw new EndpointsException(where + ".auth: unknown field '" + field + "' (known: token, tokenEnv, tokenFile, headers)");
            }
        }
        String token = text(node, "token", where + ".auth");
        String tokenEnv = text(node, "tokenEnv", where + ".auth");
        String tokenFile = text(node, "tokenFile", where + ".auth");
        int given = (token != null ? 1 : 0) + (tokenEnv != null ? 1 : 0) + (tokenFile != null ? 1 : 0);
        if (given > 1) {
            throw new EndpointsException(where + ".auth: give one of token, tokenEnv and tokenFile");
        }
        Map<String, String> headers = stringMap(node.get("headers"), where + ".auth.headers");
        if (given == 0 && headers.isEmpty()) {
            return Auth.NONE;
        }
        return new Auth(token, tokenEnv, tokenFile, headers);
    }

    private static RateLimit rateLimit(JsonNode node, String where) throws EndpointsException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject() || !node.path("requestsPerMinute").isNumber() || node.get("requestsPerMinute").asDouble() <= 0) {
            throw new EndpointsException(where + ".rateLimit.requestsPerMinute: required, a number above 0");
        }
        double perMinute = node.get("requestsPerMinute").asDouble();
        JsonNode burst = node.get("burst");
        if (burst != null && (!burst.canConvertToInt() || !burst.isIntegralNumber() || burst.asInt() < 1)) {
            throw new EndpointsException(where + ".rateLimit.burst: a whole number, at least 1");
        }
        JsonNode wait = node.get("maxWaitSeconds");
        if (wait != null && (!wait.isNumber() || wait.asDouble() < 0)) {
            throw new EndpointsException(where + ".rateLimit.maxWaitSeconds: a number, at least 0");
        }
        return new RateLimit(perMinute, burst == null ? (int) Math.max(1, Math.ceil(perMinute)) : burst.asInt(),
                Duration.ofMillis(Math.round((wait == null ? 10 : wait.asDouble()) * 1000)));
    }

    private static Duration seconds(JsonNode node, String field, double fallback, String where) throws EndpointsException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Duration.ofMillis(Math.round(fallback * 1000));
        }
        if (!value.isNumber() || value.asDouble() <= 0) {
            throw new EndpointsException(where + "." + field + ": a number of seconds above 0");
        }
        return Duration.ofMillis(Math.max(1, Math.round(value.asDouble() * 1000)));
    }

    private static Map<String, String> stringMap(JsonNode node, String where) throws EndpointsException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new EndpointsException(where + ": must be an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new EndpointsException(where + "." + e.getKey() + ": must be a string");
            }
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    private static String text(JsonNode node, String field, String where) throws EndpointsException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new EndpointsException(where + "." + field + ": must be a non-empty string");
        }
        return value.asText();
    }
}
