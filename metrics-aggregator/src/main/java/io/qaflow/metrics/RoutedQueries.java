package io.qaflow.metrics;

import io.qaflow.metrics.ExperimentStatsQuery.ExperimentStats;
import io.qaflow.metrics.ExperimentStatsQuery.VariantView;
import io.qaflow.metrics.topology.AggregatorTopology;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.kafka.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import reactor.core.publisher.Mono;

/**
 * Interactive queries across every instance of the aggregator. Statistics are keyed by experiment/variant, so one
 * experiment's variants may live on several instances: the answer merges this instance's part with the others',
 * fetched over HTTP with {@code scope=local}. A verdict has one key, the experiment id, and is read from (or
 * forwarded to) the instance owning it. With a single instance everything is local.
 */
final class RoutedQueries implements AutoCloseable {
    static final String LOCAL_SCOPE = "local";

    private final AggregatorStreams streams;
    private final ExperimentStatsQuery local;
    private final HttpClient http;
    private final Duration timeout;

    RoutedQueries(AggregatorStreams streams, ExperimentStatsQuery local, HttpClient http, Duration timeout) {
        this.streams = streams;
        this.local = local;
        this.http = http;
        this.timeout = timeout;
    }

    /** Empty when no instance has figures for the experiment. */
    Mono<Optional<ExperimentStats>> stats(String experimentId) {
        List<HostInfo> hosts = streams.hostsOf(AggregatorTopology.CUMULATIVE_STORE);
        List<CompletableFuture<Optional<ExperimentStats>>> parts = new ArrayList<>();
        for (HostInfo host : otherHosts(hosts)) {
            parts.add(remote(host, "/v1/experiments/" + encode(experimentId) + "/stats", ExperimentStats.class));
        }
        // an instance without a part of the store (more instances than partitions) answers from the others only
        boolean holdsAPart = hosts.isEmpty() || hosts.stream().anyMatch(this::isSelf);
        Optional<ExperimentStats> mine = holdsAPart ? local.stats(experimentId) : Optional.empty();
        return Mono.fromFuture(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<VariantView> variants = new ArrayList<>(mine.map(ExperimentStats::variants).orElse(List.of()));
            parts.forEach(part -> part.join().ifPresent(s -> variants.addAll(s.variants())));
            variants.sort(Comparator.comparing(VariantView::variant));
            return variants.isEmpty() ? Optional.empty() : Optional.of(new ExperimentStats(experimentId, variants));
        }));
    }

    /** Empty when the experiment has no verdict (yet). */
    Mono<Optional<ExperimentVerdict>> verdict(String experimentId) {
        KeyQueryMetadata owner = streams.ownerOf(AggregatorTopology.VERDICT_STORE, experimentId);
        if (owner == KeyQueryMetadata.NOT_AVAILABLE) {
            throw new InvalidStateStoreException("the owner of experiment " + experimentId + " is not known yet");
        }
        if (isSelf(owner.activeHost())) {
            return Mono.just(local.verdict(experimentId));
        }
        return Mono.fromFuture(remote(owner.activeHost(), "/v1/experiments/" + encode(experimentId) + "/verdict",
                ExperimentVerdict.class));
    }

    /** Only this instance's part, as the other instances ask for it. */
    Optional<ExperimentStats> localStats(String experimentId) {
        return local.stats(experimentId);
    }

    Optional<ExperimentVerdict> localVerdict(String experimentId) {
        return local.verdict(experimentId);
    }

    private List<HostInfo> otherHosts(List<HostInfo> hosts) {
        return hosts.stream().filter(host -> !isSelf(host)).distinct().toList();
    }

    private boolean isSelf(HostInfo host) {
        HostInfo self = streams.self();
        // without an advertised address (no web server) the instance cannot be reached: it is alone
        return self == null || host == null || host.equals(self) || host.port() < 0;
    }

    private <T> CompletableFuture<Optional<T>> remote(HostInfo host, String path, Class<T> type) {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + path + "?scope=" + LOCAL_SCOPE);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() == 404) {
                return Optional.<T>empty();
            }
            if (response.statusCode() != 200) {
                throw new InvalidStateStoreException("instance " + host + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            return Optional.of(Json.MAPPER.readValue(response.body(), type));
        }).exceptionally(failure -> {
            throw failure.getCause() instanceof InvalidStateStoreException invalid ? invalid
                    : new InvalidStateStoreException("instance " + host + " is unreachable: " + failure.getMessage());
        });
    }

    @Override
    public void close() {
        http.close();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
