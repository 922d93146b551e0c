package io.devagent.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * {@code tools/mcp_endpoints.json} (SPEC.md "MCP endpoints"). This minimal version holds only what the
 * dashboard needs: the file with its credentials masked.
 */
public final class EndpointsFile {

    public static final String REDACTED = "[REDACTED]";

    private EndpointsFile() {
    }

    /**
     * The file as JSON, with every value under an {@code auth} member replaced by {@code "[REDACTED]"}
     * (the keys stay, so a reader can tell a {@code tokenEnv} from a literal {@code token}). A missing
     * file reads as {@code {"endpoints": []}}. A file that is not JSON is an error whose message names
     * the position, never the content (which may hold a token).
     */
    public static ObjectNode readRedacted(Path file) throws IOException {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return empty();
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new IOException(file + " is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (node == null || node.isMissingNode()) {
            return empty();
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IOException(file + " must hold a JSON object with an \"endpoints\" array");
        }
        mask(object);
        if (!object.has("endpoints")) {
            object.putArray("endpoints");
        }
        return object;
    }

    private static ObjectNode empty() {
        ObjectNode empty = Json.object();
        empty.putArray("endpoints");
        return empty;
    }

    /** Masks every {@code auth} member anywhere in the tree. */
    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String name : new ArrayList<>(iterable(object))) {
                JsonNode child = object.get(name);
                if ("auth".equals(name)) {
                    object.set(name, redacted(child));
                } else {
                    mask(child);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(EndpointsFile::mask);
        }
    }

    private static JsonNode redacted(JsonNode auth) {
        if (auth instanceof ObjectNode object) {
            ObjectNode masked = Json.object();
            object.fieldNames().forEachRemaining(key -> masked.set(key, redacted(object.get(key))));
            return masked;
        }
        if (auth instanceof ArrayNode array) {
            ArrayNode masked = Json.array();
            array.forEach(item -> masked.add(redacted(item)));
            return masked;
        }
        return auth == null || auth.isNull() ? auth : Json.MAPPER.getNodeFactory().textNode(REDACTED);
    }

    private static java.util.List<String> iterable(ObjectNode object) {
        java.util.List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
