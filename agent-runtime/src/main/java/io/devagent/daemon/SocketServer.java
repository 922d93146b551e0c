package io.devagent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.devagent.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The Unix domain socket {@code agent.sock} (owner-only): accepts connections and hands each to
 * its own virtual thread. A run spends nearly all its time waiting on the model, and hundreds of
 * them at once cost a platform thread each, and a kernel context switch at every reply, otherwise.
 */
final class SocketServer implements AutoCloseable {

    private final Path socket;
    private final ServerSocketChannel server;
    private final AtomicInteger connections = new AtomicInteger();

    private SocketServer(Path socket, ServerSocketChannel server) {
        this.socket = socket;
        this.server = server;
    }

    /** Binds the socket; one left by a crash is replaced (the caller holds the state directory's lock). */
    static SocketServer bind(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX filesystem: the state directory's own permissions guard it
        }
        return new SocketServer(socket, server);
    }

    /** Accepts until closed; {@code handler} runs on the connection's own thread. */
    void accept(Consumer<SocketChannel> handler, Consumer<String> log) throws InterruptedException {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (!server.isOpen()) {
                    break;
                }
                log.accept("cannot accept a connection: " + e.getMessage());
                TimeUnit.MILLISECONDS.sleep(200);
                continue;
            }
            Thread.ofVirtual().name("runtime-connection-" + connections.incrementAndGet()).start(() -> handler.accept(channel));
        }
    }

    /** Stops accepting and deletes the socket file. */
    @Override
    public void close() {
        StateClaim.closeQuietly(server);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // a stale socket is replaced by the next runtime
        }
    }

    /** One request line; null when the client closed without sending one. */
    static JsonNode readRequest(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                if (line.size() == 0) {
                    return null;
                }
                break;
            }
            buffer.flip();
            boolean end = false;
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    end = true;
                    break;
                }
                line.write(b);
            }
            if (line.size() > Protocol.MAX_REQUEST_BYTES) {
                throw new IOException("longer than " + Protocol.MAX_REQUEST_BYTES + " bytes");
            }
            if (end) {
                break;
            }
        }
        JsonNode request = Json.parse(line.toString(StandardCharsets.UTF_8));
        if (!request.isObject()) {
            throw new IOException("not a JSON object");
        }
        return request;
    }
}
