package io.devagent.tool;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Caps tool output at a byte budget, on a character boundary, and says how much was cut. */
public final class OutputCap {

    private OutputCap() {
    }

    public static String cap(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        return decodePrefix(bytes, maxBytes) + "\n[output truncated: " + (bytes.length - maxBytes) + " more bytes]";
    }

    /** The longest valid UTF-8 prefix of at most {@code maxBytes} bytes. */
    public static String decodePrefix(byte[] bytes, int maxBytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer out = CharBuffer.allocate(Math.min(bytes.length, maxBytes));
        decoder.decode(ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, maxBytes)), out, false);
        out.flip();
        return out.toString();
    }
}
