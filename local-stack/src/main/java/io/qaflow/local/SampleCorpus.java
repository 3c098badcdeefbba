package io.qaflow.local;

import io.qaflow.model.kafka.Json;
import io.qaflow.testkit.squad.Squad;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Posts SQuAD paragraphs to the gateway's {@code POST /v1/documents}: the same ingestion path users take.
 * The bundled data is CC BY-SA 4.0 (Rajpurkar et al.); every document carries that attribution in its metadata.
 */
public final class SampleCorpus {
    public static final String ATTRIBUTION = "SQuAD (Rajpurkar et al.), Wikipedia text, CC BY-SA 4.0";
    private static final int BATCH = 20;

    private final HttpClient http;
    private final URI documentsUrl;

    public SampleCorpus(HttpClient http, URI gatewayBaseUrl) {
        this.http = http;
        this.documentsUrl = gatewayBaseUrl.resolve("/v1/documents");
    }

    /** Submits the paragraphs in batches, reporting the running count after each accepted batch. */
    public int ingest(List<Squad.Paragraph> paragraphs, IntConsumer progress) {
        int accepted = 0;
        for (int from = 0; from < paragraphs.size(); from += BATCH) {
            List<Squad.Paragraph> batch = paragraphs.subList(from, Math.min(paragraphs.size(), from + BATCH));
            post(batch);
            accepted += batch.size();
            progress.accept(accepted);
        }
        return accepted;
    }

    private void post(List<Squad.Paragraph> batch) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Squad.Paragraph p : batch) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", p.documentId());
            doc.put("title", p.title());
            doc.put("text", p.text());
            doc.put("metadata", Map.of("source", ATTRIBUTION, "article", p.title()));
            documents.add(doc);
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(Map.of("documents", documents));
        HttpRequest request = HttpRequest.newBuilder(documentsUrl)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("POST /v1/documents answered " + response.statusCode() + ": "
                        + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the gateway at " + documentsUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ingesting", e);
        }
    }
}
