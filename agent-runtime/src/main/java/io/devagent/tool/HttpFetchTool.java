package io.devagent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.policy.Globs;
import io.devagent.policy.Policy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code http_fetch(url)}: a GET over HTTP(S), only when the policy's network rules allow the host.
 * Network is off by default ({@code ALLOW_NET=false}).
 */
public final class HttpFetchTool implements Tool {

    /** Made on the first fetch: building a client sets up TLS, which every run would otherwise pay at its start for a tool it rarely calls. */
    private static final class Client {
        static final HttpClient HTTP = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return "http_fetch";
    }

    @Override
    public String description() {
        return "Fetch a URL with HTTP GET and return the status and body text. Only works when the policy allows network access.";
    }

    @Override
    public ObjectNode parameters() {
        return Args.schema(new String[][] {{"url", "The http:// or https:// URL to fetch"}}, "url");
    }

    @Override
    public boolean sideEffecting() {
        return false;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext ctx) throws ToolException, InterruptedException {
        String url = Args.required(arguments, "url");
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ToolException.badArguments("'" + url + "' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw ToolException.badArguments("only http:// and https:// URLs with a host can be fetched");
        }
        Policy.Network network = ctx.policy().network();
        if (!network.allowed()) {
            throw ToolException.denied("refused: network access is off (ALLOW_NET=false or the policy's network.allow: false)");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!network.allowHosts().isEmpty() && network.allowHosts().stream().noneMatch(glob -> Globs.matchesName(glob.toLowerCase(Locale.ROOT), host))) {
            throw ToolException.denied("refused: host " + host + " is not in the policy's network.allowHosts");
        }
        try {
            HttpResponse<InputStream> response = Client.HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("User-Agent", "dev-agent").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            int cap = ctx.maxOutputBytes();
            try (InputStream body = response.body()) {
                byte[] bytes = body.readNBytes(cap + 1);
                String type = response.headers().firstValue("Content-Type").orElse("");
                String text = ReadFileTool.isBinary(bytes) ? "[binary body of type " + type + " not shown]" : OutputCap.cap(OutputCap.decodePrefix(bytes, cap + 1), cap);
                String location = response.headers().firstValue("Location").map(l -> "\nLocation: " + l).orElse("");
                return new ToolResult("HTTP " + response.statusCode() + " " + type + location + "\n" + text, response.statusCode() >= 400);
            }
        } catch (IOException e) {
            throw ToolException.failed("cannot fetch " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
