package io.devagent.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

/** Reading tool arguments, with errors the model can act on, and the schemas that describe them. */
public final class Args {

    private Args() {
    }

    public static String required(ObjectNode args, String name) throws ToolException {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            throw ToolException.badArguments("missing required argument '" + name + "' (a string)");
        }
        if (!value.isTextual()) {
            throw ToolException.badArguments("argument '" + name + "' must be a string, got " + value.getNodeType().name().toLowerCase());
        }
        return value.asText();
    }

    public static String optional(ObjectNode args, String name, String fallback) throws ToolException {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw ToolException.badArguments("argument '" + name + "' must be a string, got " + value.getNodeType().name().toLowerCase());
        }
        return value.asText();
    }

    /** {@code {"type":"object","properties":{...},"required":[...]}} with string properties. */
    public static ObjectNode schema(String[][] properties, String... required) {
        ObjectNode schema = Json.object().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        for (String[] p : properties) {
            props.putObject(p[0]).put("type", "string").put("description", p[1]);
        }
        var req = schema.putArray("required");
        for (String r : required) {
            req.add(r);
        }
        schema.put("additionalProperties", false);
        return schema;
    }
}
