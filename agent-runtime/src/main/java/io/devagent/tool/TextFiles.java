package io.devagent.tool;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Text files as the file tools see them: UTF-8 (bad bytes replaced), split into lines on \n, \r\n or \r. */
final class TextFiles {

    private TextFiles() {
    }

    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    static List<String> lines(byte[] bytes) {
        String text = decode(bytes);
        List<String> lines = new ArrayList<>(text.lines().toList());
        return lines;
    }
}
