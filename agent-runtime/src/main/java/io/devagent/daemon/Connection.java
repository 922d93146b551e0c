package io.devagent.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection. Events are queued and written by their own thread, so that a follower
 * that stops reading never holds up its run: past a bound, progress events are dropped.
 */
final class Connection implements Follower {

    /** Progress events queued for a follower that does not read are dropped past this many. */
    private static final int MAX_QUEUED_EVENTS = 256;
    private static final String END = "\u0000end";

    private final SocketChannel channel;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean open = true;
    private final AtomicBoolean closed = new AtomicBoolean();

    Connection(SocketChannel channel) {
        this.channel = channel;
        this.writer = Thread.ofVirtual().name(Thread.currentThread().getName() + "-writer").unstarted(this::drain);
        writer.start();
    }

    SocketChannel channel() {
        return channel;
    }

    @Override
    public void send(ObjectNode event, boolean droppable) {
        if (!open || (droppable && queue.size() >= MAX_QUEUED_EVENTS)) {
            return;
        }
        queue.add(Json.write(event) + "\n");
    }

    /**
     * Writes what is queued (for at most {@code grace}), then closes; later events are dropped. No monitor is
     * held while joining the writer: on Java 21 a virtual thread waiting inside one pins its carrier, and
     * runs ending together could hold every carrier while their writers wait for one.
     */
    @Override
    public void close(Duration grace) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        open = false;
        queue.add(END);
        try {
            writer.join(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StateClaim.closeQuietly(channel);
    }

    private void drain() {
        try {
            while (true) {
                String line = queue.take();
                if (END.equals(line)) {
                    return;
                }
                ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        } catch (IOException e) {
            open = false; // the follower went away; its run goes on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
