package io.devagent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A policy file that does not fit the policy model, in words: the file and line, the field's path,
 * and what is allowed there; never the Java types behind it.
 */
final class PolicyErrors {

    private PolicyErrors() {
    }

    static String describe(JsonMappingException e, String source, String text) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        JsonLocation where = e.getLocation();
        String at = source + (where == null || where.getLineNr() < 1 ? "" : ":" + where.getLineNr()) + ": ";
        if (e instanceof UnrecognizedPropertyException unknown) {
            // The parser stands past the key by now: the key's own line is found in the text.
            int line = lineOf(text, String.valueOf(unknown.getPropertyName()));
            if (line > 0) {
                at = source + ":" + line + ": ";
            }
            String parent = field.contains(".") ? field.substring(0, field.lastIndexOf('.')) : "";
            return at + "unknown field '" + field + "'; allowed" + (parent.isEmpty() ? "" : " in '" + parent + "'") + ": "
                    + names(unknown.getKnownPropertyIds());
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String got = e instanceof InvalidFormatException invalid && invalid.getValue() != null
                    ? ", not '" + invalid.getValue() + "'" : "";
            return at + "field '" + (field.isEmpty() ? "(the whole file)" : field) + "' must be " + expected(mismatch.getTargetType()) + got;
        }
        return at + (field.isEmpty() ? "" : "field '" + field + "': ") + "does not fit the policy (see agent policies init for every field)";
    }

    /** The first line where {@code key:} is written as a key, or 0. */
    private static int lineOf(String text, String key) {
        java.util.regex.Pattern written = java.util.regex.Pattern.compile("^\\s*(?:- )?[\"']?" + java.util.regex.Pattern.quote(key)
                + "[\"']?\\s*:");
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (written.matcher(lines.get(i)).find()) {
                return i + 1;
            }
        }
        return 0;
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list, e.g. [read_file, list_files]";
        }
        if (type.isRecord()) {
            return "a mapping with the fields " + names(List.of(type.getRecordComponents()).stream().map(c -> c.getName()).toList());
        }
        return "a different kind of value";
    }

    private static String names(Collection<?> ids) {
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }
}
