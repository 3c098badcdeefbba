package io.qaflow.local.bench;

import io.qaflow.local.LocalStack;
import io.qaflow.local.LocalStackSettings;
import io.qaflow.testkit.squad.Squad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./qaflow bench cache [questions] [requests] [concurrency]}: the whole local stack (broker, Redis, services,
 * the Super_Bowl_50 corpus) on free ports; asks {@code questions} SQuAD questions once through the pipeline (misses,
 * which fill the cache), then sends {@code requests} asks of the same questions from {@code concurrency} clients and
 * prints the client-side latency of those cache hits (p50/p99) and requests per second.
 */
public final class CacheBenchmark {
    private CacheBenchmark() {}

    public static void main(String[] args) throws Exception {
        int questions = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        Path dataDir = Files.createTempDirectory("qaflow-cache-bench");
        LocalStackSettings settings = LocalStackSettings.forTests(dataDir);
        try (LocalStack stack = LocalStack.start(settings, line -> System.out.println("[stack] " + line));
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            URI ask = stack.gatewayUrl().resolve("/v1/ask");
            List<Squad.Paragraph> paragraphs = Squad.superBowl50().paragraphs();
            ingest(http, stack, paragraphs);
            List<String> asked = Squad.superBowl50().questions().stream().map(Squad.Question::question).distinct()
                    .limit(questions).toList();

            long[] misses = new long[asked.size()];
            for (int i = 0; i < asked.size(); i++) {
                long start = System.nanoTime();
                String body = send(http, ask, asked.get(i));
                misses[i] = System.nanoTime() - start;
                if (body.contains("\"cached\":true")) {
                    throw new IllegalStateException("a first ask was already cached: " + body);
                }
            }
            // every answer must be cached before the timed run (the worker stores it right after publishing)
            for (String question : asked) {
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!send(http, ask, question).contains("\"cached\":true")) {
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException("not cached after 10 s: " + question);
                    }
                    Thread.sleep(50);
                }
            }

            long[] hits = new long[requests];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger notCached = new AtomicInteger();
            long started = System.nanoTime();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < concurrency; c++) {
                    running.add(clients.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < requests) {
                            long start = System.nanoTime();
                            String body = send(http, ask, asked.get(i % asked.size()));
                            hits[i] = System.nanoTime() - start;
                            if (!body.contains("\"cached\":true")) {
                                notCached.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Arrays.sort(hits);
            Arrays.sort(misses);
            System.out.printf("cache miss (through the pipeline, one at a time): p50 %.1f ms over %d questions%n",
                    percentile(misses, 0.50), misses.length);
            System.out.printf("cache hit p50: %.2f ms, p99: %.2f ms, requests/s: %.0f (%d requests, %d clients, "
                            + "%d not cached)%n", percentile(hits, 0.50), percentile(hits, 0.99), requests / seconds,
                    requests, concurrency, notCached.get());
            System.out.println("cache stats: " + http.send(HttpRequest.newBuilder(
                    stack.gatewayUrl().resolve("/v1/cache/stats")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    private static double percentile(long[] sortedNanos, double q) {
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

    private static String send(HttpClient http, URI ask, String question) throws Exception {
        String json = "{\"question\":" + io.qaflow.model.kafka.Json.MAPPER.writeValueAsString(question) + "}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(ask)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ask answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static void ingest(HttpClient http, LocalStack stack, List<Squad.Paragraph> paragraphs)
            throws Exception {
        for (Squad.Paragraph p : paragraphs) {
            String json = io.qaflow.model.kafka.Json.MAPPER.writeValueAsString(java.util.Map.of(
                    "id", p.documentId(), "title", p.title(), "text", p.text()));
            http.send(HttpRequest.newBuilder(stack.gatewayUrl().resolve("/v1/documents"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
        long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        URI index = stack.embedderUrl().resolve("/v1/index");
        while (!http.send(HttpRequest.newBuilder(index).GET().build(), HttpResponse.BodyHandlers.ofString()).body()
                .contains("\"documents\":" + paragraphs.size())) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("corpus not indexed in 3 minutes");
            }
            Thread.sleep(300);
        }
    }
}
