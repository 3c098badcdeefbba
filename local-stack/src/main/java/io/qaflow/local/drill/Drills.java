package io.qaflow.local.drill;

import io.qaflow.local.cluster.Cluster;
import io.qaflow.local.cluster.ClusterLayout;
import io.qaflow.model.kafka.Json;
import io.qaflow.testkit.squad.Squad;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Runs fault drills against a running {@link Cluster}: a steady load, one fault in the middle (undone before the
 * load ends), the clients' view of every request. The aggregator drill also checks that the aggregator counted the
 * drill's requests exactly once each, though it was killed in the middle.
 */
public final class Drills {
    private static final Duration AGGREGATOR_CATCH_UP = Duration.ofMinutes(3);
    private static final Duration STEADY_TIMEOUT = Duration.ofMinutes(4);
    /** Consecutive good answers that make the cluster steady: circuits closed, every path warm. */
    private static final int STEADY_ANSWERS = 6;

    private final Cluster cluster;
    private final DrillLoad.Settings settings;
    private final Consumer<String> log;
    private final List<String> questions = Squad.superBowl50().questions().stream()
            .map(Squad.Question::question).toList();

    public Drills(Cluster cluster, double rate, Duration duration, Duration faultAt, Consumer<String> log) {
        this.cluster = cluster;
        this.settings = new DrillLoad.Settings(rate, duration, faultAt);
        this.log = log;
    }

    /** One drill; its result line says what the clients saw. */
    public DrillResult run(Fault fault) {
        log.accept("drill " + fault.drillName() + ": " + fault.description() + " under " + settings.rate()
                + " req/s for " + settings.duration().toSeconds() + " s (fault at " + settings.faultAt().toSeconds()
                + " s)");
        List<URI> gateways = cluster.layout().gateways().stream().map(ClusterLayout.Service::url).toList();
        awaitSteady(gateways);
        long countedBefore = fault == Fault.AGGREGATOR ? settledCount() : 0;
        DrillResult result = new DrillLoad(gateways, settings, questions).run(fault.drillName(),
                () -> fault.inject(cluster, line -> log.accept("  " + line)), line -> log.accept("  " + line));
        log.accept("  " + result.accepted() + " accepted, " + result.refused() + " refused by every gateway");
        if (fault == Fault.AGGREGATOR) {
            long expected = result.answered() + result.failed() + result.expired();
            long counted = awaitCount(countedBefore, expected);
            log.accept("  aggregator counted " + counted + " of the drill's " + expected + " terminal requests");
            if (counted != expected) {
                // counted twice or missed: as bad as a lost request for whoever reads the statistics
                return new DrillResult(result.drill(), result.accepted(), result.answered(), result.failed(),
                        result.expired(), result.lost() + Math.max(0, expected - counted),
                        result.duplicates() + Math.max(0, counted - expected), result.degraded(), result.p99Ms(),
                        result.recoverySeconds(), result.refused());
            }
        }
        return result;
    }

    /**
     * Asks until {@link #STEADY_ANSWERS} answers in a row come back answered and not degraded, from both gateways: a
     * drill starts on a whole cluster, not on the last one's aftermath (an LLM circuit still open, a cold JVM).
     */
    private void awaitSteady(List<URI> gateways) {
        long until = System.nanoTime() + STEADY_TIMEOUT.toNanos();
        int good = 0;
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; good < STEADY_ANSWERS; i++) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("the cluster did not answer steadily within " + STEADY_TIMEOUT);
                }
                String question = questions.get(i % questions.size()) + " [warm-up " + System.nanoTime() + "]";
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                    gateways.get(i % gateways.size()).resolve("/v1/ask"))
                            .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.createObjectNode()
                                    .put("question", question).toString())).build(), HttpResponse.BodyHandlers.ofString());
                    JsonNode body = Json.MAPPER.readTree(response.body());
                    boolean fine = response.statusCode() == 200 && !body.path("degraded").asBoolean(true);
                    good = fine ? good + 1 : 0;
                } catch (IOException e) {
                    good = 0;
                }
                if (good == 0) {
                    Fault.pause(Duration.ofSeconds(1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The aggregator's count once it stopped moving (the warm-up's last answers counted). */
    private long settledCount() {
        long last = aggregatorCount();
        for (int stable = 0; stable < 3; ) {
            Fault.pause(Duration.ofSeconds(1));
            long now = aggregatorCount();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    /** Waits until the aggregator's count moved by {@code expected} (and no further for a moment); returns the move. */
    private long awaitCount(long before, long expected) {
        long until = System.nanoTime() + AGGREGATOR_CATCH_UP.toNanos();
        long counted = aggregatorCount() - before;
        while (counted < expected && System.nanoTime() < until) {
            Fault.pause(Duration.ofSeconds(1));
            counted = aggregatorCount() - before;
        }
        Fault.pause(Duration.ofSeconds(5)); // a double count would show up after
        return aggregatorCount() - before;
    }

    /** Requests of the default experiment the aggregator counted so far (answered + failed, every variant). */
    private long aggregatorCount() {
        URI stats = cluster.layout().service("metrics-aggregator").url().resolve("/v1/experiments/default/stats");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(stats).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return 0;
            }
            long requests = 0;
            for (JsonNode variant : Json.MAPPER.readTree(response.body()).path("variants")) {
                requests += variant.path("cumulative").path("requests").asLong();
            }
            return requests;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + stats, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
