package io.qaflow.local;

import io.qaflow.model.kafka.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A plain HTTP client of the gateway, as a user's program would be. */
final class GatewayClient {
    record Response(int status, JsonNode body, HttpResponse<String> raw) {}

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    GatewayClient(URI base) {
        this.base = base;
    }

    Response ask(String question, Map<String, Object> extra) {
        return post("/v1/ask", body(question, extra));
    }

    Response submit(String question, Map<String, Object> extra) {
        return post("/v1/requests", body(question, extra));
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    Response post(String path, Object json) {
        return post(path, json, Map.of());
    }

    Response post(String path, Object json, Map<String, String> headers) {
        return send(withJson(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(
                Json.MAPPER.writeValueAsBytes(json))).build());
    }

    Response put(String path, Object json) {
        return send(withJson(path, Map.of()).PUT(HttpRequest.BodyPublishers.ofByteArray(
                Json.MAPPER.writeValueAsBytes(json))).build());
    }

    private HttpRequest.Builder withJson(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(150))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return request;
    }

    /** Reads a server-sent event stream until it ends, returning the event names in order. */
    List<String> eventNames(String path, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Accept", "text/event-stream").GET().build();
        List<String> names = new ArrayList<>();
        try {
            HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        names.add(line.substring("event:".length()).trim());
                    }
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a test stack (free ports, data in {@code dataDir}) and ingests {@code paragraphs} through the gateway. */
    static LocalStack startWithCorpus(LocalStackSettings settings, List<io.qaflow.testkit.squad.Squad.Paragraph> paragraphs) {
        LocalStack stack = LocalStack.start(settings, line -> System.out.println("[stack] " + line));
        GatewayClient gateway = new GatewayClient(stack.gatewayUrl());
        new SampleCorpus(gateway.http, stack.gatewayUrl()).ingest(paragraphs, n -> { });
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() ->
                gateway.get(stack.embedderUrl().resolve("/v1/index").toString()).body().path("documents").asInt()
                        == paragraphs.size());
        return stack;
    }

    private static Map<String, Object> body(String question, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.put("question", question);
        return body;
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            boolean isJson = response.headers().firstValue("Content-Type").orElse("").contains("json");
            JsonNode json = isJson && !response.body().isBlank() ? Json.MAPPER.readTree(response.body())
                    : Json.MAPPER.createObjectNode();
            return new Response(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
