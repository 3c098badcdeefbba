package io.qaflow.controller.report;

import io.qaflow.model.kafka.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/** Reads {@code GET {aggregatorUrl}/v1/experiments/{id}/stats} with the JDK client; blocking. */
public final class HttpStatsSource implements StatsSource {
    private static final Logger log = LoggerFactory.getLogger(HttpStatsSource.class);

    private final URI baseUrl;
    private final Duration timeout;
    private final HttpClient http;

    public HttpStatsSource(URI baseUrl, Duration timeout) {
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public Result stats(String experimentId) {
        URI uri = baseUrl.resolve("v1/experiments/" + URLEncoder.encode(experimentId, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/stats");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 404) {
                return Result.missing("the metrics aggregator has no statistics for this experiment yet");
            }
            if (response.statusCode() != 200) {
                return Result.missing("the metrics aggregator answered " + response.statusCode() + " at " + uri);
            }
            return Result.of(Json.MAPPER.readValue(response.body(), AggregatorStats.class));
        } catch (IOException e) {
            log.warn("metrics aggregator unreachable at {}: {}", uri, e.toString());
            return Result.missing("the metrics aggregator is unreachable at " + baseUrl + " (" + e.getClass()
                    .getSimpleName() + ")");
        } catch (JacksonException | IllegalArgumentException e) {
            log.warn("unreadable statistics from {}: {}", uri, e.toString());
            return Result.missing("the metrics aggregator's statistics were unreadable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.missing("interrupted while asking the metrics aggregator");
        }
    }
}
