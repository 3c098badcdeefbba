package io.qaflow.metrics.topology;

import io.qaflow.model.VariantStats;
import io.qaflow.model.kafka.JsonSerde;
import io.qaflow.model.kafka.Topic;
import io.qaflow.model.kafka.Topics;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The aggregator's topology: terminal events and feedback, deduplicated by event id, grouped by experiment/variant,
 * aggregated per tumbling window and cumulatively, published to {@code qa.experiment-stats.v1}.
 *
 * <pre>
 * answers ─┐
 * failures ├─ Observation ─ dedup(eventId) ─ key experiment/variant ─ repartition ─ mark late ─┬─ not late ─ window ─┐
 * feedback ┘                                                                                   └─ cumulative ───────┴─ stats
 * </pre>
 */
public final class AggregatorTopology {
    public static final String WINDOW_STORE = "variant-stats-windows";
    public static final String CUMULATIVE_STORE = "variant-stats-cumulative";

    private AggregatorTopology() {}

    public static Topology build(TopologySettings settings) {
        Serde<Observation> observations = new JsonSerde<>(Observation.class);
        Serde<VariantAggregate> aggregates = new VariantAggregateSerde();
        var builder = new StreamsBuilder();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(Deduplicator.STORE, settings.dedupRetention(), settings.dedupRetention(),
                        false),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LatenessMarker.STORE), Serdes.String(), Serdes.Long()));

        KStream<String, Observation> events = source(builder, Topics.ANSWERS).mapValues(Observation::of)
                .merge(source(builder, Topics.FAILURES).mapValues(Observation::of))
                .merge(source(builder, Topics.FEEDBACK).mapValues(Observation::of));

        long dedupRetentionMs = settings.dedupRetention().toMillis();
        long windowMs = settings.windowSize().toMillis();
        long graceMs = settings.grace().toMillis();
        KStream<String, Observation> byVariant = events
                .processValues(() -> new Deduplicator(dedupRetentionMs), Named.as("dedup"), Deduplicator.STORE)
                .selectKey((requestId, o) -> o.groupKey(), Named.as("key-by-variant"))
                .repartition(Repartitioned.with(Serdes.String(), observations).withName("by-variant"))
                .processValues(() -> new LatenessMarker(windowMs, graceMs), Named.as("mark-late"),
                        LatenessMarker.STORE);

        Topic<String, VariantStats> stats = Topics.EXPERIMENT_STATS;
        Produced<String, VariantStats> produced = Produced.with(stats.keySerde(), stats.valueSerde());

        byVariant.filterNot((key, o) -> o.late(), Named.as("on-time"))
                .groupByKey(Grouped.with(Serdes.String(), observations))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.windowSize(), settings.grace()))
                .aggregate(VariantAggregate::new, (key, o, aggregate) -> aggregate.add(o),
                        Materialized.<String, VariantAggregate, WindowStore<Bytes, byte[]>>as(WINDOW_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(aggregates))
                .toStream()
                .map((window, aggregate) -> {
                    VariantStats s = aggregate.toStats(window.window().startTime(), window.window().endTime());
                    return KeyValue.pair(s.key(), s);
                }, Named.as("window-stats"))
                .to(stats.name(), produced);

        byVariant.groupByKey(Grouped.with(Serdes.String(), observations))
                .aggregate(VariantAggregate::new, (key, o, aggregate) -> aggregate.add(o),
                        Materialized.<String, VariantAggregate, KeyValueStore<Bytes, byte[]>>as(CUMULATIVE_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(aggregates))
                .toStream()
                .map((key, aggregate) -> {
                    VariantStats s = aggregate.toStats(null, (Instant) null);
                    return KeyValue.pair(s.key(), s);
                }, Named.as("cumulative-stats"))
                .to(stats.name(), produced);

        return builder.build();
    }

    private static <V> KStream<String, V> source(StreamsBuilder builder, Topic<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                .withTimestampExtractor(new EventTimeExtractor()));
    }
}
