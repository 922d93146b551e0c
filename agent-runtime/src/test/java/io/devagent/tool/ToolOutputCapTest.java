package io.devagent.tool;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OutputCap}, which every tool uses to keep its answer within maxToolOutputBytes. */
class ToolOutputCapTest {

    @Test
    void shortTextIsUnchanged() {
        assertThat(OutputCap.cap("hello", 5)).isEqualTo("hello");
        assertThat(OutputCap.cap("", 0)).isEmpty();
    }

    @Test
    void longTextIsCutAndTheRestCounted() {
        assertThat(OutputCap.cap("abcdefghij", 4)).isEqualTo("abcd\n[output truncated: 6 more bytes]");
    }

    @Test
    void theCutFallsOnACharacterBoundary() {
        String text = "ab€€"; // 2 + 3 + 3 bytes
        assertThat(OutputCap.cap(text, 6)).isEqualTo("ab€\n[output truncated: 2 more bytes]");
        assertThat(OutputCap.cap(text, 4)).isEqualTo("ab\n[output truncated: 4 more bytes]");
        assertThat(OutputCap.cap("😀x", 3)).isEqualTo("\n[output truncated: 2 more bytes]");
    }

    @Test
    void decodePrefixKeepsWholeCharactersAndReplacesMalformedOnes() {
        byte[] bytes = "é€".getBytes(StandardCharsets.UTF_8); // 2 + 3 bytes
        assertThat(OutputCap.decodePrefix(bytes, 5)).isEqualTo("é€");
        assertThat(OutputCap.decodePrefix(bytes, 4)).isEqualTo("é");
        assertThat(OutputCap.decodePrefix(bytes, 1)).isEmpty();
        assertThat(OutputCap.decodePrefix(bytes, 100)).isEqualTo("é€");
        assertThat(OutputCap.decodePrefix(new byte[] {'a', (byte) 0xFF, 'b'}, 3)).isEqualTo("a\uFFFDb");
    }
}
