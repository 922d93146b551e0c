package io.devagent.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The only way out for a sandboxed shell when the policy allows network to some hosts: an HTTP proxy
 * on the runtime's loopback ({@code CONNECT host:port} for TLS, absolute-URI requests for plain
 * HTTP) that lets through the hosts the policy allows and records every attempt. The sandbox lets
 * the shell connect to this proxy's port and nowhere else.
 */
public final class EgressProxy implements AutoCloseable {

    /** One connection the shell asked for, and whether it was let through. */
    public record Attempt(String host, int port, boolean allowed) {
        @Override
        public String toString() {
            return (allowed ? "egress allowed: " : "egress refused (not in network.allowHosts): ") + host + ":" + port;
        }
    }

    private final ServerSocket server;
    private final Predicate<String> allowsHost;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private EgressProxy(ServerSocket server, Predicate<String> allowsHost) {
        this.server = server;
        this.allowsHost = allowsHost;
        this.acceptor = Thread.ofVirtual().name("egress-proxy").start(this::acceptLoop);
    }

    /** A proxy on an ephemeral loopback port, letting through the hosts {@code allowsHost} accepts. */
    public static EgressProxy start(Predicate<String> allowsHost) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        return new EgressProxy(server, allowsHost);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The proxy's URL, as the shell's {@code HTTP_PROXY} and {@code HTTPS_PROXY}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Every connection asked for so far, in order. */
    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().name("egress-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] request = lines[0].split(" ");
            if (request.length != 3) {
                reply(out, "400 Bad Request");
                return;
            }
            boolean tunnel = request[0].equalsIgnoreCase("CONNECT");
            String host;
            int port;
            String rest = null;
            if (tunnel) {
                int colon = request[1].lastIndexOf(':');
                host = colon > 0 ? request[1].substring(0, colon) : request[1];
                port = colon > 0 ? parsePort(request[1].substring(colon + 1)) : 443;
            } else {
                URI uri;
                try {
                    uri = new URI(request[1]);
                } catch (Exception e) {
                    reply(out, "400 Bad Request");
                    return;
                }
                if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    reply(out, "400 Bad Request");
                    return;
                }
                host = uri.getHost();
                port = uri.getPort() < 0 ? 80 : uri.getPort();
                StringBuilder forwarded = new StringBuilder(request[0]).append(' ')
                        .append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                        .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n");
                for (int i = 1; i < lines.length; i++) {
                    String lower = lines[i].toLowerCase(Locale.ROOT);
                    if (!lower.startsWith("proxy-") && !lower.startsWith("connection:") && !lower.startsWith("keep-alive:")) {
                        forwarded.append(lines[i]).append("\r\n");
                    }
                }
                rest = forwarded.append("Connection: close\r\n\r\n").toString();
            }
            host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            host = host.toLowerCase(Locale.ROOT);
            boolean allowed = port > 0 && allowsHost.test(host);
            attempts.add(new Attempt(host, port, allowed));
            if (!allowed) {
                reply(out, "403 Forbidden");
                return;
            }
            try (Socket upstream = new Socket()) {
                try {
                    upstream.connect(new InetSocketAddress(host, port), 10_000);
                } catch (IOException e) {
                    reply(out, "502 Bad Gateway");
                    return;
                }
                if (tunnel) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } else {
                    upstream.getOutputStream().write(rest.getBytes(StandardCharsets.ISO_8859_1));
                    upstream.getOutputStream().flush();
                }
                Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
                pump(client, upstream);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // the shell or the server went away: nothing to tell
        }
    }

    /** Copies one direction until its end, then half-closes the other side so the peer sees the end too. */
    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port > 0 && port < 65536 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The request line and headers, up to the blank line; null if the client sent nothing usable. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < 65536) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    private static void reply(OutputStream out, String status) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        acceptor.interrupt();
    }
}
