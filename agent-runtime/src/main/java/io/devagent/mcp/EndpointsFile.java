package io.devagent.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.devagent.audit.Redactor;
import io.devagent.json.Json;
import io.devagent.state.AtomicFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one reader and writer of {@code tools/mcp_endpoints.json} (SPEC.md "MCP endpoints"):
 * {@code {"endpoints": [{"name", "transport", "url" | "command", "auth", "rateLimit", ..., "status"}]}}.
 *
 * <p>The user owns every field but {@code status}, which the runtime keeps current. A status update
 * is a read-modify-write of the JSON tree under a file lock (so two runtimes sharing a state
 * directory do not lose each other's updates), written atomically ({@link AtomicFiles}); it changes
 * nothing but the {@code status} members, and if the file changed under it (a user saving an edit)
 * it starts again from the new content. A file that does not parse (an edit half done) is left
 * alone.
 */
public final class EndpointsFile {

    /** What a secret in the file reads as in every output. */
    public static final String MASK = Redactor.MASK;

    private static final ObjectWriter WRITER = Json.MAPPER.writer(new DefaultPrettyPrinter().withArrayIndenter(com.fasterxml.jackson.core.util.DefaultIndenter.SYSTEM_LINEFEED_INSTANCE)
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));
    /** Threads of one process take this before the OS lock, which only excludes other processes. */
    private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private EndpointsFile() {
    }

    /** The endpoints of a file and its JSON as read. */
    public record Loaded(List<Endpoint> endpoints, ObjectNode tree) {

        public static final Loaded EMPTY = new Loaded(List.of(), emptyTree());

        /** The status the file records for an endpoint. */
        public EndpointStatus status(String name) {
            for (JsonNode node : tree.path("endpoints")) {
                if (name.equals(node.path("name").asText())) {
                    return EndpointStatus.fromJson(node.get("status"));
                }
            }
            return EndpointStatus.unknown();
        }
    }

    /** Reads and validates the file; a missing file has no endpoints. */
    public static Loaded read(Path file) throws IOException, EndpointsException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Loaded.EMPTY;
        }
        return parse(bytes, file);
    }

    static Loaded parse(byte[] bytes, Path file) throws EndpointsException {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            String where = e instanceof JsonProcessingException p && p.getLocation() != null ? ":" + p.getLocation().getLineNr() : "";
            throw new EndpointsException(file + where + ": not valid JSON: " + firstLine(e instanceof JsonProcessingException p
                    ? p.getOriginalMessage() : e.getMessage()));
        }
        if (tree == null || tree.isMissingNode()) {
            return Loaded.EMPTY;
        }
        if (!tree.isObject() || !(tree.path("endpoints").isArray() || tree.path("endpoints").isMissingNode())) {
            throw new EndpointsException(file + ": must be an object {\"endpoints\": [...]}");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode node : tree.path("endpoints")) {
            try {
                Endpoint endpoint = Endpoint.parse(node, "endpoints[" + i + "]");
                if (!names.add(endpoint.name())) {
                    throw new EndpointsException("endpoints[" + i + "].name: '" + endpoint.name() + "' is used twice");
                }
                endpoints.add(endpoint);
            } catch (EndpointsException e) {
                throw new EndpointsException(file + ": " + e.getMessage());
            }
            i++;
        }
        return new Loaded(List.copyOf(endpoints), (ObjectNode) tree);
    }

    /**
     * Writes each endpoint's status into the file, keeping everything else as the user wrote it.
     * Endpoints no longer in the file are skipped. Returns false, writing nothing, when there is no
     * file or it does not parse (a user's half-done edit is never overwritten).
     */
    public static boolean writeStatus(Path file, Map<String, EndpointStatus> statuses) throws IOException {
        return locked(file, () -> {
            for (int attempt = 0; attempt < 5; attempt++) {
                byte[] before;
                try {
                    before = Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    return false;
                }
                JsonNode tree;
                try {
                    tree = Json.MAPPER.readTree(before);
                } catch (IOException e) {
                    return false;
                }
                if (tree == null || !tree.isObject() || !tree.path("endpoints").isArray()) {
                    return false;
                }
                for (JsonNode node : tree.get("endpoints")) {
                    EndpointStatus status = statuses.get(node.path("name").asText());
                    if (node.isObject() && status != null) {
                        ((ObjectNode) node).set("status", status.toJson());
                    }
                }
                byte[] after = (WRITER.writeValueAsString(tree) + "\n").getBytes(StandardCharsets.UTF_8);
                if (Arrays.equals(before, after)) {
                    return true;
                }
                // A user's editor does not take the lock: if the file changed since it was read, start over from the new content.
                byte[] now;
                try {
                    now = Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    return false;
                }
                if (Arrays.equals(before, now)) {
                    AtomicFiles.write(file, after, true);
                    return true;
                }
            }
            return false;
        });
    }

    /** Writes a whole file (used to create one); secrets in it are the user's own. */
    public static void write(Path file, ObjectNode tree) throws IOException {
        locked(file, () -> {
            AtomicFiles.write(file, (WRITER.writeValueAsString(tree) + "\n").getBytes(StandardCharsets.UTF_8), true);
            return true;
        });
    }

    /**
     * The file's JSON with every auth secret replaced by {@code "[REDACTED]"}: {@code auth.token},
     * every {@code auth.headers} value, every {@code env} value of a stdio server, and those values
     * wherever else they occur; {@code tokenEnv} and {@code tokenFile} name where a token is, not
     * the token, and stay. For {@code GET /mcp} and {@code agent mcp list}. Never throws: a missing
     * file is {@code {"endpoints": []}}, one that cannot be read or parsed adds {@code "error"}.
     */
    public static ObjectNode readRedacted(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return emptyTree();
        } catch (IOException e) {
            return emptyTree().put("error", file + ": cannot read: " + e.getMessage());
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return emptyTree().put("error", file + ": not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            return emptyTree().put("error", file + ": must be an object {\"endpoints\": [...]}");
        }
        ObjectNode copy = ((ObjectNode) tree).deepCopy();
        List<String> secrets = new ArrayList<>();
        for (JsonNode node : copy.path("endpoints")) {
            if (!node.isObject()) {
                continue;
            }
            JsonNode auth = node.get("auth");
            if (auth instanceof ObjectNode authObject) {
                JsonNode token = authObject.get("token");
                if (token != null && !token.isNull()) {
                    secrets.add(token.asText());
                    authObject.put("token", MASK);
                }
                maskValues(authObject.get("headers"), secrets);
            }
            maskValues(node.get("env"), secrets);
        }
        // The values again wherever else they were written (a note, a URL, an error), and well-known token shapes.
        return (ObjectNode) Redactor.none().withSecrets(secrets).redact(copy);
    }

    private static void maskValues(JsonNode map, List<String> secrets) {
        if (map instanceof ObjectNode object) {
            for (String name : object.properties().stream().map(Map.Entry::getKey).toList()) {
                JsonNode value = object.get(name);
                if (value.isValueNode() && !value.isNull()) {
                    secrets.add(value.asText());
                    object.set(name, TextNode.valueOf(MASK));
                }
            }
        }
    }

    private static ObjectNode emptyTree() {
        ObjectNode tree = Json.object();
        tree.set("endpoints", Json.array());
        return tree;
    }

    /** A fresh {@code {"endpoints": []}} to add endpoints to. */
    public static ObjectNode newTree() {
        return emptyTree();
    }

    /** Adds an endpoint object to a tree. */
    public static ObjectNode addEndpoint(ObjectNode tree) {
        JsonNode endpoints = tree.get("endpoints");
        ArrayNode array = endpoints instanceof ArrayNode a ? a : tree.putArray("endpoints");
        return array.addObject();
    }

    private interface LockedAction {
        boolean run() throws IOException;
    }

    private static boolean locked(Path file, LockedAction action) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(absolute, p -> new ReentrantLock());
        local.lock();
        try (FileChannel channel = FileChannel.open(dir.resolve("." + absolute.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            local.unlock();
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
