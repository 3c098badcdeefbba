package io.qaflow.controller.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON over real HTTP to a {@link RunningController}, sent as the operator "ana". */
final class ControllerClient {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final RunningController controller;
    private final HttpClient http = HttpClient.newHttpClient();

    ControllerClient(RunningController controller) {
        this.controller = controller;
    }

    record Reply(int status, JsonNode json) {}

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, String body) {
        return send("POST", path, body);
    }

    private Reply send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(controller.uri(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("X-Actor", "ana")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
