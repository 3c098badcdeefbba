package io.qaflow.testkit.browser;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * A headless Chromium for tests that must see a page as a browser renders it: a child process with a throwaway
 * profile, driven over the Chrome DevTools Protocol on a JDK WebSocket. Every wait is bounded by {@link #TIMEOUT}, so
 * a stuck browser fails the test instead of hanging it. The binary is {@code $QAFLOW_CHROMIUM}, else the first of
 * {@code chromium}, {@code chromium-headless-shell}, {@code google-chrome} on the PATH.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> NAMES = List.of("chromium", "chromium-headless-shell", "google-chrome");
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final Path profile;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Deque<String> lastOutput = new ArrayDeque<>();
    private final CompletableFuture<URI> listening = new CompletableFuture<>();
    private Connection browser;

    private HeadlessChromium(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    /** Starts the browser and connects to it; fails, never skips, when no binary is installed. */
    public static HeadlessChromium launch() {
        String configured = System.getenv("QAFLOW_CHROMIUM");
        Path binary = binary().orElseThrow(() -> new IllegalStateException((configured == null || configured.isBlank()
                ? "no Chromium found" : "QAFLOW_CHROMIUM=" + configured + " is not executable")
                + ": set QAFLOW_CHROMIUM to a Chromium or Chrome binary, or put one of " + NAMES + " on the PATH "
                + "(Debian/Ubuntu: `sudo apt-get install chromium`; `./qaflow test` installs it)"));
        HeadlessChromium chromium = null;
        try {
            Path profile = Files.createTempDirectory("qaflow-chromium");
            Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                    "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            chromium = new HeadlessChromium(process, profile);
            chromium.readOutput();
            chromium.browser = Connection.open(chromium.http, await(chromium.listening, "DevTools address"));
            return chromium;
        } catch (IOException | RuntimeException e) {
            String output = chromium == null ? "" : "; its last output:\n" + chromium.output();
            if (chromium != null) {
                chromium.close();
            }
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage() + output, e);
        }
    }

    static Optional<Path> binary() {
        String configured = System.getenv("QAFLOW_CHROMIUM");
        List<String> names = configured == null || configured.isBlank() ? NAMES : List.of(configured);
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return names.stream()
                .flatMap(name -> name.contains(File.separator) ? Stream.of(Path.of(name)) : Stream
                        .of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)))
                .filter(Files::isExecutable).findFirst();
    }

    /** Chromium logs to stderr; the pipe is drained for its lifetime, keeping the last lines for error messages. */
    private void readOutput() {
        Thread.ofPlatform().daemon().name("chromium-stderr").start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(URI.create(m.group(1)));
                    }
                    synchronized (lastOutput) {
                        lastOutput.addLast(line);
                        if (lastOutput.size() > 20) {
                            lastOutput.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            listening.completeExceptionally(new IllegalStateException("Chromium exited before it listened"));
        });
    }

    private String output() {
        synchronized (lastOutput) {
            return String.join("\n", lastOutput);
        }
    }

    /** A new tab of {@link Page#WIDTH} x {@link Page#HEIGHT} CSS pixels, once {@code url} has loaded in it. */
    public Page open(URI url) {
        String targetId = browser.call("Target.createTarget", Map.of("url", "about:blank")).get("targetId")
                .asString();
        URI endpoint = await(listening, "DevTools address").resolve("/devtools/page/" + targetId);
        Page page = new Page(Connection.open(http, endpoint));
        page.navigate(url);
        return page;
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        if (browser != null) {
            try {
                browser.call("Browser.close", Map.of());
            } catch (RuntimeException ignored) {
                // killed below
            }
            browser.close();
        }
        try {
            process.onExit().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // killed below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        http.close();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory; best effort
        }
    }

    /** One tab. JavaScript exceptions and console errors are collected from the moment it opens. */
    public static final class Page implements AutoCloseable {
        public static final int WIDTH = 1280;
        public static final int HEIGHT = 2400;
        private final Connection tab;
        private final List<String> errors = new CopyOnWriteArrayList<>();
        private final Map<String, CompletableFuture<Void>> loads = new ConcurrentHashMap<>();

        private Page(Connection tab) {
            this.tab = tab;
            tab.on("Runtime.exceptionThrown", e -> errors.add("exception: " + e.get("exceptionDetails")));
            tab.on("Runtime.consoleAPICalled", e -> {
                if (List.of("error", "assert").contains(e.get("type").asString())) {
                    errors.add("console." + e.get("type").asString() + ": " + e.get("args"));
                }
            });
            tab.on("Log.entryAdded", e -> {
                JsonNode entry = e.get("entry");
                // the browser asks for /favicon.ico on its own; a page without one has no error
                if ("error".equals(entry.get("level").asString())
                        && !entry.path("url").asString("").endsWith("/favicon.ico")) {
                    errors.add("log: " + entry.get("text").asString() + " " + entry.path("url").asString(""));
                }
            });
            tab.on("Page.lifecycleEvent", e -> {
                if ("load".equals(e.get("name").asString())) {
                    loaded(e.get("loaderId").asString()).complete(null);
                }
            });
            for (String domain : List.of("Runtime", "Log", "Page")) {
                tab.call(domain + ".enable", Map.of());
            }
            tab.call("Page.setLifecycleEventsEnabled", Map.of("enabled", true));
            tab.call("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH, "height", HEIGHT,
                    "deviceScaleFactor", 1, "mobile", false));
        }

        private CompletableFuture<Void> loaded(String loaderId) {
            return loads.computeIfAbsent(loaderId, id -> new CompletableFuture<>());
        }

        private void navigate(URI url) {
            JsonNode navigation = tab.call("Page.navigate", Map.of("url", url.toString()));
            if (navigation.hasNonNull("errorText")) {
                throw new IllegalStateException("cannot load " + url + ": " + navigation.get("errorText").asString());
            }
            await(loaded(navigation.get("loaderId").asString()), "load event of " + url);
        }

        /** The value of {@code expression} (a promise is awaited), as JSON; a JavaScript error throws. */
        public JsonNode evaluate(String expression) {
            JsonNode result = tab.call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                    "awaitPromise", true));
            if (result.has("exceptionDetails")) {
                throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
            }
            JsonNode value = result.get("result").get("value");
            return value == null ? NullNode.getInstance() : value;
        }

        /**
         * Uncaught exceptions, {@code console.error}/{@code console.assert} calls and browser log errors (such as a
         * resource that failed to load) so far.
         */
        public List<String> errors() {
            return List.copyOf(errors);
        }

        /** Writes the viewport, {@link #WIDTH} x {@link #HEIGHT} CSS pixels times the device pixel ratio, as PNG. */
        public Path screenshot(Path png) {
            String data = tab.call("Page.captureScreenshot", Map.of("format", "png")).get("data").asString();
            try {
                Files.createDirectories(png.toAbsolutePath().getParent());
                return Files.write(png, Base64.getDecoder().decode(data));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            tab.close();
        }
    }

    /** One DevTools WebSocket: numbered commands answered by id, events dispatched by method name. */
    private static final class Connection implements WebSocket.Listener, AutoCloseable {
        private final AtomicLong ids = new AtomicLong();
        private final Map<Long, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
        private final Map<String, Consumer<JsonNode>> listeners = new ConcurrentHashMap<>();
        private final StringBuilder message = new StringBuilder();
        private WebSocket socket;

        static Connection open(HttpClient http, URI endpoint) {
            Connection connection = new Connection();
            connection.socket = await(http.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(endpoint,
                    connection), "connection to " + endpoint);
            return connection;
        }

        void on(String event, Consumer<JsonNode> listener) {
            listeners.put(event, listener);
        }

        JsonNode call(String method, Map<String, ?> params) {
            long id = ids.incrementAndGet();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            replies.put(id, reply);
            String command = JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params));
            synchronized (this) { // one send at a time, as WebSocket requires
                await(socket.sendText(command, true), "send of " + method);
            }
            JsonNode answer = await(reply, "answer to " + method);
            if (answer.has("error")) {
                throw new IllegalStateException(method + " failed: " + answer.get("error"));
            }
            return answer.get("result");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                JsonNode received = JSON.readTree(message.toString());
                message.setLength(0);
                if (received.has("id")) {
                    Optional.ofNullable(replies.remove(received.get("id").asLong()))
                            .ifPresent(reply -> reply.complete(received));
                } else {
                    Optional.ofNullable(listeners.get(received.get("method").asString()))
                            .ifPresent(listener -> listener.accept(received.get("params")));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failAll(new IllegalStateException("DevTools connection closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failAll(error);
        }

        private void failAll(Throwable error) {
            replies.values().forEach(reply -> reply.completeExceptionally(error));
        }

        @Override
        public void close() {
            socket.abort();
            failAll(new IllegalStateException("DevTools connection closed"));
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Chromium: no " + what + " within " + TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("Chromium: " + what + " failed" + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }
}
