package io.qaflow.metrics;

import io.qaflow.metrics.topology.AggregatorTopology;
import io.qaflow.metrics.topology.VariantAggregate;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.VariantStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Reads an experiment's statistics and verdict from this instance's state stores: per variant the cumulative figures
 * and the most recent windows. Single-instance: it sees only the partitions this instance owns, so the aggregator
 * runs as one instance (see the README and docs/decisions.md).
 */
final class ExperimentStatsQuery {

    /** One variant: its cumulative record and its latest windows, newest first. */
    record VariantView(String variant, VariantStats cumulative, List<VariantStats> recentWindows) {}

    /** The answer of {@code GET /v1/experiments/{id}/stats}. */
    record ExperimentStats(String experimentId, List<VariantView> variants) {}

    private final AggregatorStreams streams;
    private final Duration windowSize;
    private final int recentWindows;

    ExperimentStatsQuery(AggregatorStreams streams, Duration windowSize, int recentWindows) {
        this.streams = streams;
        this.windowSize = windowSize;
        this.recentWindows = recentWindows;
    }

    /** Empty when this instance holds no verdict of the experiment. */
    Optional<ExperimentVerdict> verdict(String experimentId) {
        ReadOnlyKeyValueStore<String, ExperimentVerdict> verdicts = streams.store(StoreQueryParameters.fromNameAndType(
                AggregatorTopology.VERDICT_STORE, QueryableStoreTypes.keyValueStore()));
        return Optional.ofNullable(verdicts.get(experimentId));
    }

    /** Empty when no event of this experiment has been aggregated. */
    Optional<ExperimentStats> stats(String experimentId) {
        ReadOnlyKeyValueStore<String, VariantAggregate> cumulative = streams.store(StoreQueryParameters.fromNameAndType(
                AggregatorTopology.CUMULATIVE_STORE, QueryableStoreTypes.keyValueStore()));
        ReadOnlyWindowStore<String, VariantAggregate> windows = streams.store(StoreQueryParameters.fromNameAndType(
                AggregatorTopology.WINDOW_STORE, QueryableStoreTypes.windowStore()));
        List<VariantView> variants = new ArrayList<>();
        try (var iterator = cumulative.prefixScan(experimentId + "/", new StringSerializer())) {
            while (iterator.hasNext()) {
                KeyValue<String, VariantAggregate> entry = iterator.next();
                if (!entry.value.experimentId().equals(experimentId)) {
                    continue; // an experiment "<id>/..." sharing the key prefix
                }
                variants.add(new VariantView(entry.key.substring(experimentId.length() + 1),
                        entry.value.toStats(null, (Instant) null),
                        recent(windows, entry.key, Instant.ofEpochMilli(entry.value.lastEventMs()))));
            }
        }
        return variants.isEmpty() ? Optional.empty() : Optional.of(new ExperimentStats(experimentId, variants));
    }

    /**
     * The windows up to the variant's latest event, newest first. The range is bounded on purpose: the caching window
     * store walks its cache segment by segment over the requested range, and an open-ended range never ends.
     */
    private List<VariantStats> recent(ReadOnlyWindowStore<String, VariantAggregate> windows, String groupKey,
                                      Instant latestEvent) {
        List<VariantStats> latest = new ArrayList<>();
        Instant from = latestEvent.minus(windowSize.multipliedBy(recentWindows));
        try (var iterator = windows.backwardFetch(groupKey, from, latestEvent)) {
            while (iterator.hasNext() && latest.size() < recentWindows) {
                KeyValue<Long, VariantAggregate> window = iterator.next();
                Instant start = Instant.ofEpochMilli(window.key);
                latest.add(window.value.toStats(start, start.plus(windowSize)));
            }
        }
        return latest;
    }
}
