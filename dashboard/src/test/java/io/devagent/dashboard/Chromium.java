package io.devagent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real headless Chromium, driven through Debian's {@code chromedriver} with the W3C WebDriver
 * protocol (plain HTTP and JSON): a new session, navigation, elements, clicks, keys, scripts and
 * screenshots. Chromium runs with a fresh profile, and HOME and XDG_* point into a temporary
 * directory, so nothing of the machine's user leaks in or out.
 */
final class Chromium implements AutoCloseable {

    static final List<String> BINARIES = List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
    static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final Pattern STARTED = Pattern.compile("started successfully on port (\\d+)");

    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final Path driverLog;

    private Chromium(Process driver, String base, Path driverLog) {
        this.driver = driver;
        this.base = base;
        this.driverLog = driverLog;
    }

    static Optional<Path> binary() {
        return BINARIES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    static Optional<Path> driverBinary() {
        return DRIVERS.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Starts chromedriver and a headless Chromium session with its home in {@code home}. */
    static Chromium start(Path home, int width, int height) throws Exception {
        Path chromium = binary().orElseThrow();
        Path chromedriver = driverBinary().orElseThrow();
        Path profile = Files.createDirectories(home.resolve("profile"));
        Path driverLog = home.resolve("chromedriver.log");
        ProcessBuilder builder = new ProcessBuilder(chromedriver.toString(), "--port=0", "--log-path=" + driverLog);
        var env = builder.environment();
        env.put("HOME", home.toString());
        for (String xdg : List.of("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR")) {
            env.put(xdg, Files.createDirectories(home.resolve(xdg.toLowerCase())).toString());
        }
        builder.redirectErrorStream(true);
        Process driver = builder.start();
        // Its output is read to the end (so that it never blocks on a full pipe); the port is on one line of it.
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("chromedriver-out").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("chromedriver exited before it said its port"));
        });
        Chromium browser = new Chromium(driver, "http://127.0.0.1:" + port.get(30, TimeUnit.SECONDS), driverLog);
        try {
            browser.newSession(chromium, profile, width, height);
        } catch (Exception | AssertionError e) {
            browser.close();
            throw e;
        }
        return browser;
    }

    private String session;

    private void newSession(Path chromium, Path profile, int width, int height) throws Exception {
        ObjectNode caps = Json.object();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode options = always.putObject("goog:chromeOptions");
        options.put("binary", chromium.toString());
        ArrayNode args = options.putArray("args");
        for (String arg : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--hide-scrollbars")) {
            args.add(arg);
        }
        if (width < 500) {
            // A desktop window is at least 500 px wide: a phone's width is emulated (the viewport, not the window).
            options.putObject("mobileEmulation").putObject("deviceMetrics").put("width", width).put("height", height).put("pixelRatio", 1.0)
                    .put("mobile", false).put("touch", false);
        }
        JsonNode created = call("POST", "/session", caps);
        session = created.path("value").path("sessionId").asText(null);
        assertThat(session).as("a WebDriver session: " + created).isNotNull();
    }

    void open(String url) throws Exception {
        command("POST", "/url", Json.object().put("url", url));
    }

    /** The first element that matches the CSS selector, or empty. */
    Optional<String> find(String css) throws Exception {
        JsonNode found = call("POST", "/session/" + session + "/elements", Json.object().put("using", "css selector").put("value", css));
        JsonNode first = found.path("value").path(0);
        return first.isMissingNode() ? Optional.empty() : Optional.of(first.path(ELEMENT).asText());
    }

    String element(String css, Duration within) throws Exception {
        waitFor("an element " + css, within, "return document.querySelector(" + Json.write(Json.MAPPER.getNodeFactory().textNode(css)) + ") !== null;");
        return find(css).orElseThrow();
    }

    void click(String css, Duration within) throws Exception {
        String element = element(css, within);
        // To the middle of the view, as a person scrolls to what they click: a sticky header may cover the top edge.
        command("POST", "/execute/sync", Json.object().put("script", "arguments[0].scrollIntoView({block: 'center'});")
                .set("args", Json.array().add(Json.object().put(ELEMENT, element))));
        command("POST", "/element/" + element + "/click", Json.object());
    }

    void type(String css, String text, Duration within) throws Exception {
        command("POST", "/element/" + element(css, within) + "/value", Json.object().put("text", text));
    }

    String text(String css) throws Exception {
        Optional<String> element = find(css);
        return element.isEmpty() ? "" : command("GET", "/element/" + element.get() + "/text", null).path("value").asText();
    }

    /** Runs a script in the page (its {@code return} value comes back as JSON). */
    JsonNode script(String body, Object... args) throws Exception {
        ObjectNode request = Json.object().put("script", body);
        ArrayNode list = request.putArray("args");
        for (Object arg : args) {
            list.addPOJO(arg);
        }
        return command("POST", "/execute/sync", request).path("value");
    }

    /**
     * Waits until {@code body} (a function body run in the page) returns something truthy, and returns
     * it. The waiting happens in the page (an async script that checks every 50 ms); it fails at the deadline.
     */
    JsonNode waitFor(String what, Duration within, String body) throws Exception {
        command("POST", "/timeouts", Json.object().put("script", within.toMillis() + 10_000));
        // The test is written into the script itself: the page's CSP forbids eval and new Function.
        ObjectNode request = Json.object().put("script", """
                const done = arguments[arguments.length - 1];
                const deadline = Date.now() + arguments[0];
                const test = () => { BODY
                };
                (function poll() {
                  let value = null;
                  try { value = test(); } catch (e) { value = null; }
                  if (value) done(value); else if (Date.now() > deadline) done(null); else setTimeout(poll, 50);
                })();
                """.replace("BODY", body));
        request.putArray("args").add(within.toMillis());
        JsonNode value = command("POST", "/execute/async", request).path("value");
        assertThat(value.isNull() || value.isMissingNode()).as("waiting for " + what + " (" + within + ")").isFalse();
        return value;
    }

    /**
     * Runs an async script: {@code body} calls {@code done(value)} (the last argument WebDriver passes)
     * when it is finished; its value comes back as JSON.
     */
    JsonNode asyncScript(String body, Duration within) throws Exception {
        command("POST", "/timeouts", Json.object().put("script", within.toMillis()));
        ObjectNode request = Json.object().put("script", "const done = arguments[arguments.length - 1];\n" + body);
        request.putArray("args");
        return command("POST", "/execute/async", request).path("value");
    }

    /** Presses keys on the keyboard, as a person would, into whatever has the focus (WebDriver key codes: Tab is \uE004, Enter \uE007). */
    void keys(String keys) throws Exception {
        ObjectNode actions = Json.object();
        ObjectNode keyboard = actions.putArray("actions").addObject().put("type", "key").put("id", "keyboard");
        ArrayNode list = keyboard.putArray("actions");
        keys.codePoints().forEach(c -> {
            String key = new String(Character.toChars(c));
            list.addObject().put("type", "keyDown").put("value", key);
            list.addObject().put("type", "keyUp").put("value", key);
        });
        command("POST", "/actions", actions);
    }

    /** Resizes the window (the viewport follows: the page is laid out again at that width). */
    void resize(int width, int height) throws Exception {
        command("POST", "/window/rect", Json.object().put("width", width).put("height", height));
    }

    void screenshot(Path file) throws Exception {
        String png = command("GET", "/screenshot", null).path("value").asText();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    private JsonNode command(String method, String path, JsonNode body) throws Exception {
        return call(method, "/session/" + session + path, body);
    }

    private JsonNode call(String method, String path, JsonNode body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = Json.parse(response.body());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return answer;
    }

    String driverLog() {
        try {
            return Files.exists(driverLog) ? Files.readString(driverLog) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
            }
        } catch (Exception | AssertionError ignored) {
            // the driver is stopped below either way
        }
        driver.destroy();
        try {
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            driver.destroyForcibly();
        }
    }
}
