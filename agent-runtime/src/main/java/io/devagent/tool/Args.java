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

    /** An optional whole number; models send it as a number or as a string of digits. */
    public static int optionalInt(ObjectNode args, String name, int fallback) throws ToolException {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            return value.asInt();
        }
        if (value.isTextual() && value.asText().strip().matches("-?\\d{1,9}")) {
            return Integer.parseInt(value.asText().strip());
        }
        throw ToolException.badArguments("argument '" + name + "' must be a whole number");
    }

    /** An optional true/false; models send it as a boolean or as "true"/"false". */
    public static boolean optionalBoolean(ObjectNode args, String name, boolean fallback) throws ToolException {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isTextual() && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.asText());
        }
        throw ToolException.badArguments("argument '" + name + "' must be true or false");
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
