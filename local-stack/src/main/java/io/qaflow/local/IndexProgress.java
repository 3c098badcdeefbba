package io.qaflow.local;

import io.qaflow.model.kafka.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/** Reads the embedder's {@code GET /v1/index} and waits until the corpus is indexed. */
public final class IndexProgress {
    public record Status(long documents, long chunks, boolean caughtUp) {}

    private final HttpClient http;
    private final URI indexUrl;

    public IndexProgress(HttpClient http, URI embedderBaseUrl) {
        this.http = http;
        this.indexUrl = embedderBaseUrl.resolve("/v1/index");
    }

    public Status read() {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(indexUrl).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = Json.MAPPER.readTree(response.body());
            return new Status(json.path("documents").asLong(), json.path("chunks").asLong(),
                    json.path("caughtUp").asBoolean());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + indexUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Polls until at least {@code documents} documents are indexed and the embedder has caught up. */
    public Status awaitIndexed(long documents, Duration timeout, Consumer<Status> onChange) {
        long until = System.nanoTime() + timeout.toNanos();
        Status last = null;
        while (System.nanoTime() < until) {
            Status status = read();
            if (!status.equals(last)) {
                onChange.accept(status);
                last = status;
            }
            if (status.caughtUp() && status.documents() >= documents) {
                return status;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("corpus not indexed within " + timeout + "; last status " + last);
    }
}
