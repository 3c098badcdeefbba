package io.qaflow.testkit.fakellm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible chat server of qaflow's own, over real HTTP, for tests and load tests: the one external
 * service the project may fake, since no model weights can be fetched.
 *
 * <p>Endpoints:
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: OpenAI's request and response shapes, with {@code usage}; with
 *       {@code "stream": true} server-sent {@code chat.completion.chunk} events ending with {@code data: [DONE]},
 *       and a final usage chunk when {@code stream_options.include_usage} is true. The answer and the token counts
 *       follow {@link FakeAnswerRule}.</li>
 *   <li>{@code GET /v1/models}: the configured model.</li>
 *   <li>{@code GET|POST /_fake/config}: read, or partially update, the {@link FakeLlmConfig} as JSON
 *       ({@code {"latencyMs":1000,"errorRate":0.5,"errorStatus":429,"retryAfterSeconds":2,"hang":false,
 *       "stallBody":false}});
 *       {@code "failNext": n} makes the next n calls fail with the error status.</li>
 *   <li>{@code GET /_fake/stats}: the {@link FakeLlmStats} counters; {@code POST /_fake/reset} zeroes them.</li>
 * </ul>
 * Any API key is accepted.
 *
 * <p>Run alone: {@code java -cp <testkit classpath> io.qaflow.testkit.fakellm.FakeOpenAiServer --port 8099
 * [--host 0.0.0.0] [--latency-ms 200] [--jitter-ms 50] [--error-rate 0.1] [--error-status 503]
 * [--retry-after-seconds 1] [--model fake-gpt] [--api-key KEY]}.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_KEPT_CALLS = 10_000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicReference<FakeLlmConfig> config;
    private final AtomicLong errorPatternIndex = new AtomicLong();
    private final AtomicInteger failNext = new AtomicInteger();
    private final ConcurrentHashMap<String, ModelErrors> modelErrors = new ConcurrentHashMap<>();
    private final AtomicLong completionIds = new AtomicLong();
    private final Counters counters = new Counters();
    private final Deque<FakeLlmCall> calls = new ArrayDeque<>();
    private volatile String requiredApiKey;

    private FakeOpenAiServer(HttpServer server, ExecutorService executor, FakeLlmConfig initial) {
        this.server = server;
        this.executor = executor;
        this.config = new AtomicReference<>(initial);
    }

    /** Starts on a free loopback port with the default config. */
    public static FakeOpenAiServer start() {
        return start(FakeLlmConfig.defaults());
    }

    /** Starts on a free loopback port. */
    public static FakeOpenAiServer start(FakeLlmConfig config) {
        return start("127.0.0.1", 0, config);
    }

    public static FakeOpenAiServer start(String host, int port, FakeLlmConfig config) {
        try {
            // a deep accept backlog: load tests open hundreds of connections at once
            HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 1024);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            http.setExecutor(executor);
            FakeOpenAiServer fake = new FakeOpenAiServer(http, executor, config);
            http.createContext("/v1/chat/completions", fake.guarded(fake::chatCompletions));
            http.createContext("/v1/models", fake.guarded(fake::models));
            http.createContext("/_fake/config", fake.guarded(fake::configEndpoint));
            http.createContext("/_fake/stats", fake.guarded(fake::statsEndpoint));
            http.createContext("/_fake/reset", fake.guarded(fake::resetEndpoint));
            http.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake OpenAI server on " + host + ":" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL an OpenAI client is configured with, e.g. {@code http://127.0.0.1:41234/v1}. */
    public String baseUrl() {
        return "http://" + hostForUrl() + ":" + port() + "/v1";
    }

    public URI uri(String path) {
        return URI.create("http://" + hostForUrl() + ":" + port() + path);
    }

    public FakeLlmConfig config() {
        return config.get();
    }

    public void configure(FakeLlmConfig newConfig) {
        FakeLlmConfig previous = config.getAndSet(newConfig);
        if (previous.errorRate() != newConfig.errorRate()) {
            errorPatternIndex.set(0);
        }
    }

    public FakeLlmConfig update(UnaryOperator<FakeLlmConfig> change) {
        FakeLlmConfig updated = change.apply(config.get());
        configure(updated);
        return updated;
    }

    /** The next {@code count} chat calls fail with the configured error status, whatever the error rate. */
    public void failNext(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        failNext.set(count);
    }

    /** Like OpenAI: a call without {@code Authorization: Bearer <apiKey>} is refused with 401 (null: any call). */
    public void requireApiKey(String apiKey) {
        this.requiredApiKey = apiKey;
    }

    /**
     * Calls naming {@code model} fail at {@code rate} (0..1) with the configured error status, in the same
     * deterministic pattern as the config's error rate but counted per model; the config's rate then no longer
     * applies to that model. Rate 0 removes the rule. Lets one fake serve a healthy and a failing model at once.
     */
    public void failModel(String model, double rate) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("rate must be in 0..1, was " + rate);
        }
        if (rate == 0) {
            modelErrors.remove(model);
        } else {
            modelErrors.put(model, new ModelErrors(rate, new AtomicLong()));
        }
    }

    private record ModelErrors(double rate, AtomicLong index) {}

    public FakeLlmStats stats() {
        return counters.snapshot();
    }

    public void resetStats() {
        counters.reset();
        synchronized (calls) {
            calls.clear();
        }
    }

    /** The finished chat calls, oldest first (the most recent 10,000). */
    public List<FakeLlmCall> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------- endpoints

    private void chatCompletions(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            sendJson(exchange, 405, error("method not allowed", "invalid_request_error"));
            return;
        }
        String key = requiredApiKey;
        if (key != null && !("Bearer " + key).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            sendJson(exchange, 401, error("Incorrect API key provided", "invalid_request_error"));
            return;
        }
        counters.received.incrementAndGet();
        counters.enter();
        // bookkeeping happens before the response is written, so a client that has its answer sees it counted
        ChatCall call = new ChatCall(Instant.now());
        try {
            JsonNode request;
            try {
                request = JSON.readTree(readBody(exchange));
            } catch (JacksonException e) {
                call.finish(400, counters.rejected);
                sendJson(exchange, 400, error("request body is not JSON: " + e.getOriginalMessage(),
                        "invalid_request_error"));
                return;
            }
            JsonNode messages = request == null ? null : request.get("messages");
            if (messages == null || !messages.isArray() || messages.isEmpty()) {
                call.finish(400, counters.rejected);
                sendJson(exchange, 400, error("'messages' must be a non-empty array", "invalid_request_error"));
                return;
            }
            FakeLlmConfig current = config.get();
            call.stream = request.path("stream").asBoolean(false);
            call.model = request.hasNonNull("model") ? request.get("model").asString() : current.model();
            call.temperature = request.hasNonNull("temperature") ? request.get("temperature").asDouble() : null;
            if (call.stream) {
                counters.streamed.incrementAndGet();
            }
            if (current.hang()) {
                counters.hung.incrementAndGet();
                if (awaitUnlessClosing(current.hangTimeout())) {
                    call.finish(504, null);
                    sendJson(exchange, 504, error("the fake held this call for " + current.hangTimeout(), "timeout"));
                }
                return;
            }
            if (current.stallBody()) {
                counters.hung.incrementAndGet();
                call.finish(200, null);
                stallBody(exchange, call.stream, current.hangTimeout());
                return;
            }
            if (!awaitUnlessClosing(delay(current))) {
                return;
            }
            if (shouldFail(current, call.model)) {
                int status = current.errorStatus();
                if (current.retryAfterSeconds() > 0 && (status == 429 || status == 503)) {
                    exchange.getResponseHeaders().set("Retry-After", String.valueOf(current.retryAfterSeconds()));
                }
                call.finish(status, counters.failed);
                sendJson(exchange, status, error("injected failure (status " + status + ")", errorType(status)));
                return;
            }
            List<String> contents = contents(messages);
            String answer = FakeAnswerRule.answer(userText(messages));
            int promptTokens = FakeAnswerRule.promptTokens(contents);
            int completionTokens = FakeAnswerRule.completionTokens(answer);
            String id = "chatcmpl-fake-" + completionIds.incrementAndGet();
            call.finish(200, counters.succeeded);
            if (call.stream) {
                boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
                streamAnswer(exchange, id, call.model, answer, promptTokens, completionTokens, includeUsage);
            } else {
                sendJson(exchange, 200, completion(id, call.model, answer, promptTokens, completionTokens));
            }
        } finally {
            call.finish(0, null);
        }
    }

    /** One chat call's bookkeeping, done once: leaves the in-flight count, counts the outcome, records the call. */
    private final class ChatCall {
        private final Instant receivedAt;
        private boolean stream;
        private String model;
        private Double temperature;
        private boolean finished;

        ChatCall(Instant receivedAt) {
            this.receivedAt = receivedAt;
        }

        void finish(int status, AtomicLong outcome) {
            if (finished) {
                return;
            }
            finished = true;
            if (outcome != null) {
                outcome.incrementAndGet();
            }
            counters.exit();
            record(new FakeLlmCall(receivedAt, status, stream, model, temperature));
        }
    }

    private void models(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            sendJson(exchange, 405, error("method not allowed", "invalid_request_error"));
            return;
        }
        counters.modelsListed.incrementAndGet();
        ObjectNode model = JsonNodeFactory.instance.objectNode();
        model.put("id", config.get().model());
        model.put("object", "model");
        model.put("created", 1_700_000_000L);
        model.put("owned_by", "qaflow-fake");
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("object", "list");
        list.putArray("data").add(model);
        sendJson(exchange, 200, list);
    }

    private void configEndpoint(HttpExchange exchange) throws IOException {
        switch (exchange.getRequestMethod()) {
            case "GET" -> sendJson(exchange, 200, configJson());
            case "POST" -> {
                try {
                    JsonNode patch = JSON.readTree(readBody(exchange));
                    FakeLlmConfig updated = config.get().merge(patch);
                    if (patch.has("failNext")) {
                        failNext(patch.get("failNext").asInt());
                    }
                    configure(updated);
                    sendJson(exchange, 200, configJson());
                } catch (JacksonException | IllegalArgumentException e) {
                    sendJson(exchange, 400, error(e.getMessage(), "invalid_request_error"));
                }
            }
            default -> sendJson(exchange, 405, error("method not allowed", "invalid_request_error"));
        }
    }

    private void statsEndpoint(HttpExchange exchange) throws IOException {
        sendJson(exchange, 200, stats().toJson());
    }

    private void resetEndpoint(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            sendJson(exchange, 405, error("method not allowed", "invalid_request_error"));
            return;
        }
        resetStats();
        sendJson(exchange, 200, stats().toJson());
    }

    // ---------------------------------------------------------------------------------------------- behaviour

    private boolean shouldFail(FakeLlmConfig current, String model) {
        if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return true;
        }
        ModelErrors forModel = modelErrors.get(model);
        if (forModel != null) {
            return failsAt(forModel.index().getAndIncrement(), forModel.rate());
        }
        double rate = current.errorRate();
        if (rate <= 0) {
            return false;
        }
        return failsAt(errorPatternIndex.getAndIncrement(), rate);
    }

    private static boolean failsAt(long n, double rate) {
        return Math.floor((n + 1) * rate + 1e-9) > Math.floor(n * rate + 1e-9);
    }

    private static Duration delay(FakeLlmConfig current) {
        long jitterMillis = current.jitter().toMillis();
        long extra = jitterMillis > 0 ? ThreadLocalRandom.current().nextLong(jitterMillis) : 0;
        return current.latency().plusMillis(extra);
    }

    /** Waits {@code duration}; false when the server began to close meanwhile (then nothing should be sent). */
    private boolean awaitUnlessClosing(Duration duration) {
        if (duration.isZero()) {
            return closing.getCount() > 0;
        }
        try {
            return !closing.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sends 200 headers and the first bytes of a body, then withholds the rest for {@code hold}. */
    private void stallBody(HttpExchange exchange, boolean stream, Duration hold) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", stream ? "text/event-stream" : "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write((stream ? "data: {\"id\":" : "{\"id\":").getBytes(StandardCharsets.UTF_8));
        out.flush();
        awaitUnlessClosing(hold);
    }

    private void streamAnswer(HttpExchange exchange, String id, String model, String answer, int promptTokens,
                              int completionTokens, boolean includeUsage) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            long created = Instant.now().getEpochSecond();
            ObjectNode roleDelta = JsonNodeFactory.instance.objectNode().put("role", "assistant").put("content", "");
            writeEvent(out, chunk(id, model, created, roleDelta, null, includeUsage));
            for (String piece : pieces(answer)) {
                writeEvent(out, chunk(id, model, created, JsonNodeFactory.instance.objectNode().put("content", piece),
                        null, includeUsage));
            }
            writeEvent(out, chunk(id, model, created, JsonNodeFactory.instance.objectNode(), "stop", includeUsage));
            if (includeUsage) {
                ObjectNode usageChunk = chunkEnvelope(id, model, created);
                usageChunk.putArray("choices");
                usageChunk.set("usage", usage(promptTokens, completionTokens));
                writeEvent(out, usageChunk);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** The answer cut after each space, so the pieces concatenate back to the exact answer. */
    static List<String> pieces(String answer) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < answer.length(); i++) {
            if (answer.charAt(i) == ' ') {
                pieces.add(answer.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < answer.length()) {
            pieces.add(answer.substring(start));
        }
        return pieces;
    }

    // ---------------------------------------------------------------------------------------------- JSON shapes

    private static ObjectNode completion(String id, String model, String answer, int promptTokens,
                                         int completionTokens) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("id", id);
        body.put("object", "chat.completion");
        body.put("created", Instant.now().getEpochSecond());
        body.put("model", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", answer);
        choice.put("finish_reason", "stop");
        body.set("usage", usage(promptTokens, completionTokens));
        return body;
    }

    private static ObjectNode chunk(String id, String model, long created, ObjectNode delta, String finishReason,
                                    boolean includeUsage) {
        ObjectNode chunk = chunkEnvelope(id, model, created);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode chunkEnvelope(String id, String model, long created) {
        ObjectNode chunk = JsonNodeFactory.instance.objectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    private static ObjectNode usage(int promptTokens, int completionTokens) {
        ObjectNode usage = JsonNodeFactory.instance.objectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return usage;
    }

    private static ObjectNode error(String message, String type) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        error.put("code", "fake_" + type);
        return body;
    }

    private static String errorType(int status) {
        return switch (status) {
            case 429 -> "rate_limit_exceeded";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    private ObjectNode configJson() {
        ObjectNode node = config.get().toJson();
        node.put("failNext", failNext.get());
        return node;
    }

    /** Text of every message, whether {@code content} is a string or an array of {@code {type:text}} parts. */
    private static List<String> contents(JsonNode messages) {
        List<String> contents = new ArrayList<>();
        for (JsonNode message : messages) {
            contents.add(text(message.path("content")));
        }
        return contents;
    }

    private static String userText(JsonNode messages) {
        StringBuilder text = new StringBuilder();
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asString(""))) {
                text.append(text(message.path("content"))).append('\n');
            }
        }
        return text.toString();
    }

    private static String text(JsonNode content) {
        if (content.isString()) {
            return content.asString();
        }
        StringBuilder text = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asString(""))) {
                    text.append(part.path("text").asString(""));
                }
            }
        }
        return text.toString();
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    private HttpHandler guarded(ExchangeHandler handler) {
        return exchange -> {
            try (exchange) {
                handler.handle(exchange);
            } catch (IOException e) {
                // the client went away (e.g. it timed out); nothing left to answer
            } catch (RuntimeException e) {
                try {
                    sendJson(exchange, 500, error("fake server bug: " + e, "server_error"));
                } catch (IOException | RuntimeException ignored) {
                    // headers were already sent
                }
            }
        };
    }

    @FunctionalInterface
    private interface ExchangeHandler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void writeEvent(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void record(FakeLlmCall call) {
        synchronized (calls) {
            if (calls.size() == MAX_KEPT_CALLS) {
                calls.removeFirst();
            }
            calls.addLast(call);
        }
    }

    private String hostForUrl() {
        String host = server.getAddress().getAddress().getHostAddress();
        if ("0.0.0.0".equals(host) || "::".equals(host) || host.startsWith("0:0:0:0")) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static final class Counters {
        final AtomicLong received = new AtomicLong();
        final AtomicLong streamed = new AtomicLong();
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong hung = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong inFlight = new AtomicLong();
        final AtomicLong maxInFlight = new AtomicLong();
        final AtomicLong modelsListed = new AtomicLong();

        void enter() {
            long now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
        }

        void exit() {
            inFlight.decrementAndGet();
        }

        FakeLlmStats snapshot() {
            return new FakeLlmStats(received.get(), streamed.get(), succeeded.get(), failed.get(), hung.get(),
                    rejected.get(), inFlight.get(), maxInFlight.get(), modelsListed.get());
        }

        void reset() {
            for (AtomicLong counter : List.of(received, streamed, succeeded, failed, hung, rejected, modelsListed)) {
                counter.set(0);
            }
            maxInFlight.set(inFlight.get());
        }
    }

    // ---------------------------------------------------------------------------------------------- standalone

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 8099;
        FakeLlmConfig config = FakeLlmConfig.defaults();
        String apiKey = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if ("--help".equals(flag) || "-h".equals(flag)) {
                System.out.println(USAGE);
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--latency-ms" -> config = config.withLatency(Duration.ofMillis(Long.parseLong(value)),
                        config.jitter());
                case "--jitter-ms" -> config = config.withLatency(config.latency(),
                        Duration.ofMillis(Long.parseLong(value)));
                case "--error-rate" -> config = config.withErrors(Double.parseDouble(value), config.errorStatus());
                case "--error-status" -> config = config.withErrorStatus(Integer.parseInt(value));
                case "--retry-after-seconds" -> config = config.withRetryAfter(Duration.ofSeconds(Long.parseLong(value)));
                case "--model" -> config = config.withModel(value);
                case "--api-key" -> apiKey = value;
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            }
        }
        FakeOpenAiServer fake = start(host, port, config);
        fake.requireApiKey(apiKey);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fake.close();
            stopped.countDown();
        }, "fake-openai-shutdown"));
        System.out.printf(Locale.ROOT, "fake OpenAI server listening on http://%s:%d/v1 (config: %s)%n", host,
                fake.port(), fake.configJson());
        stopped.await();
    }

    private static final String USAGE = """
            usage: FakeOpenAiServer [--host 127.0.0.1] [--port 8099] [--latency-ms 0] [--jitter-ms 0]
                                    [--error-rate 0.0] [--error-status 500] [--retry-after-seconds 1] [--model fake-gpt]
                                    [--api-key KEY (calls without it: 401)]
            runtime changes: POST /_fake/config with a JSON object of the fields to change, GET /_fake/stats""";
}
