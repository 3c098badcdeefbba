package io.qaflow.answer.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sits between the worker and the fake LLM and keeps the body of every chat request it forwards, so a test can see
 * exactly which messages the LLM received. Plain (non-streaming) requests only, as the worker sends them.
 */
final class RecordingLlmProxy implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The messages of one chat request. */
    record ChatRequest(String system, String user) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private volatile URI target;

    private RecordingLlmProxy(HttpServer server) {
        this.server = server;
    }

    static RecordingLlmProxy start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            RecordingLlmProxy proxy = new RecordingLlmProxy(server);
            server.createContext("/", proxy::forward);
            server.setExecutor(proxy.executor);
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param origin where requests go, e.g. {@code http://127.0.0.1:41234} */
    void forwardTo(URI origin) {
        this.target = origin;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    void clear() {
        requests.clear();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (body.length > 0) {
                requests.add(chatRequest(JSON.readTree(body)));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : List.of("Content-Type", "Authorization", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("Content-Type")
                    .ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
            int length = response.body().length;
            exchange.sendResponseHeaders(response.statusCode(), length == 0 ? -1 : length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ChatRequest chatRequest(JsonNode body) {
        String system = "";
        StringBuilder user = new StringBuilder();
        for (JsonNode message : body.path("messages")) {
            String content = message.path("content").asString();
            if (message.path("role").asString().equals("system")) {
                system = content;
            } else {
                user.append(content);
            }
        }
        return new ChatRequest(system, user.toString());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
