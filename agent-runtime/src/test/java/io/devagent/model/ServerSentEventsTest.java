package io.devagent.model;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The event-stream format as the HTML standard gives it, and a streamed reply read through it. */
class ServerSentEventsTest {

    private static ServerSentEvents stream(String text) {
        return new ServerSentEvents(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<ServerSentEvents.Event> all(ServerSentEvents events) throws IOException {
        List<ServerSentEvents.Event> out = new ArrayList<>();
        for (var e = events.next(); e.isPresent(); e = events.next()) {
            out.add(e.get());
        }
        return out;
    }

    @Test
    void dataLinesJoinWithNewlinesUntilABlankLine() throws Exception {
        assertThat(all(stream("data: first\ndata:second\ndata:  third\n\ndata: next\n\n")))
                .extracting(ServerSentEvents.Event::data)
                .containsExactly("first\nsecond\n third", "next"); // one space after the colon is dropped, not two
    }

    @Test
    void commentsUnknownFieldsAndEmptyEventsAreSkipped() throws Exception {
        assertThat(all(stream(": keep-alive\n\nfoo: bar\nevent: ping\n\ndata\n\n")))
                .containsExactly(new ServerSentEvents.Event("message", "", "")); // "data" alone is the field with an empty value
    }

    @Test
    void eventNamesIdsAndRetryAreKept() throws Exception {
        ServerSentEvents events = stream("id: 7\nretry: 2500\nevent: error\ndata: {\"message\":\"busy\"}\n\ndata: x\nid: bad\0id\nretry: soon\n\n");
        List<ServerSentEvents.Event> all = all(events);
        assertThat(all).containsExactly(new ServerSentEvents.Event("error", "{\"message\":\"busy\"}", "7"),
                new ServerSentEvents.Event("message", "x", "7"));
        assertThat(events.lastEventId()).isEqualTo("7");
        assertThat(events.retryMillis()).contains(2500L);
    }

    @Test
    void everyLineEndCountsAndALeadingByteOrderMarkIsDropped() throws Exception {
        assertThat(all(stream("\uFEFFdata: a\r\ndata: b\r\rdata: c\r\n\r\n"))).extracting(ServerSentEvents.Event::data)
                .containsExactly("a\nb", "c");
    }

    @Test
    void anEventTheStreamEndsInTheMiddleOfIsDiscarded() throws Exception {
        assertThat(all(stream("data: complete\n\ndata: torn"))).extracting(ServerSentEvents.Event::data).containsExactly("complete");
    }

    @Test
    void aChunkSplitOverSeveralDataLinesIsOneChunk() throws Exception {
        String body = ": the server is thinking\n\n"
                + "data: {\"choices\":[{\"delta\":\n"
                + "data: {\"content\":\"Hello\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\" world\"},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        ModelReply reply = StreamedReply.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), false);
        assertThat(reply.content()).isEqualTo("Hello world");
    }

    @Test
    void anErrorEventIsTheServersError() {
        String body = "event: error\ndata: {\"error\":{\"message\":\"model overloaded\"}}\n\n";
        ModelRequestException error = catchThrowableOfType(ModelRequestException.class,
                () -> StreamedReply.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), false));
        assertThat(error.getMessage()).contains("model overloaded");
    }
}
