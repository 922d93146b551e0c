package io.devagent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.Base64;
import java.util.List;

/**
 * A tool result as the text the model reads: text blocks as they are; images, audio, embedded
 * resources and resource links as one descriptive line each (with a text resource's text); the
 * structured content as JSON when no text block already carries it.
 */
final class ResultText {

    private ResultText() {
    }

    static String of(McpSchema.CallToolResult result) {
        StringBuilder out = new StringBuilder();
        List<McpSchema.Content> content = result.content() == null ? List.of() : result.content();
        JsonNode structured = result.structuredContent() == null ? null : Json.MAPPER.valueToTree(result.structuredContent());
        boolean structuredShown = false;
        for (McpSchema.Content block : content) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            switch (block) {
                case McpSchema.TextContent text -> {
                    out.append(text.text());
                    if (structured != null && !structuredShown) {
                        structuredShown = sameJson(text.text(), structured);
                    }
                }
                case McpSchema.ImageContent image -> out.append("[image ").append(image.mimeType()).append(", ")
                        .append(decodedSize(image.data())).append(" bytes, not shown]");
                case McpSchema.AudioContent audio -> out.append("[audio ").append(audio.mimeType()).append(", ")
                        .append(decodedSize(audio.data())).append(" bytes, not shown]");
                case McpSchema.EmbeddedResource embedded -> resource(out, embedded.resource());
                case McpSchema.ResourceLink link -> {
                    out.append("[resource link ").append(link.uri());
                    if (link.name() != null) {
                        out.append(" \"").append(link.name()).append('"');
                    }
                    if (link.mimeType() != null) {
                        out.append(", ").append(link.mimeType());
                    }
                    out.append(']');
                    if (link.description() != null && !link.description().isBlank()) {
                        out.append(' ').append(link.description());
                    }
                }
                default -> out.append(Json.write(block));
            }
        }
        if (structured != null && !structuredShown) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append("structured content: ").append(Json.write(structured));
        }
        if (out.isEmpty()) {
            out.append(Boolean.TRUE.equals(result.isError()) ? "the tool reported an error without details" : "(no content)");
        }
        return out.toString();
    }

    private static void resource(StringBuilder out, McpSchema.ResourceContents contents) {
        switch (contents) {
            case McpSchema.TextResourceContents text -> {
                out.append("[resource ").append(text.uri());
                if (text.mimeType() != null) {
                    out.append(", ").append(text.mimeType());
                }
                out.append("]\n").append(text.text());
            }
            case McpSchema.BlobResourceContents blob -> {
                out.append("[resource ").append(blob.uri());
                if (blob.mimeType() != null) {
                    out.append(", ").append(blob.mimeType());
                }
                out.append(", ").append(decodedSize(blob.blob())).append(" bytes of binary data, not shown]");
            }
            default -> out.append("[resource ").append(contents.uri()).append(']');
        }
    }

    private static boolean sameJson(String text, JsonNode structured) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return false;
        }
        try {
            return Json.parse(trimmed).equals(structured);
        } catch (Exception e) {
            return false;
        }
    }

    private static long decodedSize(String base64) {
        if (base64 == null) {
            return 0;
        }
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length() * 3L / 4;
        }
    }
}
