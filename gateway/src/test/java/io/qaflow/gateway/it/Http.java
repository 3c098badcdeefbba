package io.qaflow.gateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP calls to the gateway (JDK client), with JSON bodies read as trees. */
final class Http {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RunningGateway gateway;

    Http(RunningGateway gateway) {
        this.gateway = gateway;
    }

    record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String contentType() {
            return header("Content-Type");
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(gateway.uri(path)).timeout(TIMEOUT);
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    Reply postJson(String path, String json, String... headers) {
        return send(postJsonRequest(path, json, headers));
    }

    CompletableFuture<Reply> postJsonAsync(String path, String json, String... headers) {
        return client.sendAsync(postJsonRequest(path, json, headers), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Reply(r.statusCode(), r.headers(), r.body()));
    }

    Reply delete(String path) {
        return send(request(path).DELETE().build());
    }

    HttpRequest postJsonRequest(String path, String json, String... headers) {
        HttpRequest.Builder builder = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpClient client() {
        return client;
    }

    URI uri(String path) {
        return gateway.uri(path);
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }
}
