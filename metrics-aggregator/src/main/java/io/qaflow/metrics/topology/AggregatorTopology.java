package io.qaflow.metrics.topology;

import io.micrometer.observation.ObservationRegistry;
import io.qaflow.metrics.verdict.VerdictCalculator;
import io.qaflow.model.ExperimentState;
import io.qaflow.model.ExperimentVerdict;
import io.qaflow.model.VariantStats;
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
 * The aggregator's topology: terminal events and feedback, deduplicated by event id, pre-aggregated per input task
 * into partials per window and experiment/variant, repartitioned by experiment/variant, merged per tumbling window
 * and cumulatively, published to {@code qa.experiment-stats.v1}; the cumulative figures, regrouped by experiment,
 * feed the verdicts on {@code qa.experiment-verdicts.v1} (experiment definitions from a global store).
 *
 * <pre>
 * answers ─┐
 * failures ├─ Observation ─ dedup(eventId) ─ partial per window/variant ─ repartition ─ mark late ─┬─ on time ─ window ─┐
 * feedback ┘              (keyed by request id, no shuffle)   (flushed every interval)             └─ cumulative ──────┴─ stats
 *                                                                                                           │
 *                          qa.experiments.v1 ─ global store ─┐   cumulative ─ repartition by experiment ─ verdicts
 * </pre>
 */
public final class AggregatorTopology {
    public static final String WINDOW_STORE = "variant-stats-windows";
    public static final String CUMULATIVE_STORE = "variant-stats-cumulative";
    public static final String VERDICT_STORE = VerdictPublisher.VERDICT_STORE;

    private AggregatorTopology() {}

    /** The topology without tracing (tests, benchmarks). */
    public static Topology build(TopologySettings settings) {
        return build(settings, ObservationRegistry.NOOP);
    }

    /** @param observations links each counted record to its request's trace (see {@link TraceLink}) */
    public static Topology build(TopologySettings settings, ObservationRegistry observations) {
        Serde<VariantAggregate> aggregates = new VariantAggregateSerde();
        var builder = new StreamsBuilder();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(Deduplicator.STORE, settings.dedupRetention(), settings.dedupRetention(),
                        false),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PartialAggregator.STORE), Serdes.String(), aggregates)
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LatenessMarker.STORE), Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(VerdictPublisher.ARMS_STORE), Serdes.String(), aggregates));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(VerdictPublisher.VERDICT_STORE), Serdes.String(),
                Topics.EXPERIMENT_VERDICTS.valueSerde()));
        Topic<String, ExperimentState> experiments = Topics.EXPERIMENTS;
        builder.addGlobalStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ExperimentDefinitions.STORE), Serdes.String(),
                        experiments.valueSerde()).withLoggingDisabled(),
                experiments.name(), Consumed.with(experiments.keySerde(), experiments.valueSerde()),
                ExperimentDefinitions::new);

        KStream<String, Observation> events = builder.stream(Topics.ANSWERS.name(),
                        Consumed.with(Serdes.String(), AnswerFieldsDeserializer.SERDE)
                                .withTimestampExtractor(new EventTimeExtractor()))
                .mapValues(Observation::of)
                .merge(source(builder, Topics.FAILURES).mapValues(Observation::of))
                .merge(source(builder, Topics.FEEDBACK).mapValues(Observation::of));

        long dedupRetentionMs = settings.dedupRetention().toMillis();
        long windowMs = settings.windowSize().toMillis();
        long graceMs = settings.grace().toMillis();
        KStream<String, VariantAggregate> partials = events
                .processValues(() -> new TraceLink<>(observations), Named.as("trace-link"))
                .processValues(() -> new Deduplicator(dedupRetentionMs), Named.as("dedup"), Deduplicator.STORE)
                .process(() -> new PartialAggregator(windowMs, settings.flushInterval()), Named.as("pre-aggregate"),
                        PartialAggregator.STORE)
                .repartition(Repartitioned.with(Serdes.String(), aggregates).withName("by-variant"))
                .processValues(() -> new LatenessMarker(windowMs, graceMs), Named.as("mark-late"),
                        LatenessMarker.STORE);

        Topic<String, VariantStats> stats = Topics.EXPERIMENT_STATS;
        Produced<String, VariantStats> produced = Produced.with(stats.keySerde(), stats.valueSerde());

        partials.filter((key, partial) -> partial.lateEvents() == 0, Named.as("on-time"))
                .groupByKey(Grouped.with(Serdes.String(), aggregates))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.windowSize(), settings.grace()))
                .aggregate(VariantAggregate::new, (key, partial, aggregate) -> aggregate.merge(partial),
                        Materialized.<String, VariantAggregate, WindowStore<Bytes, byte[]>>as(WINDOW_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(aggregates))
                .toStream()
                .map((window, aggregate) -> {
                    VariantStats s = aggregate.toStats(window.window().startTime(), window.window().endTime());
                    return KeyValue.pair(s.key(), s);
                }, Named.as("window-stats"))
                .to(stats.name(), produced);

        KStream<String, VariantAggregate> cumulative = partials.groupByKey(Grouped.with(Serdes.String(), aggregates))
                .aggregate(VariantAggregate::new, (key, partial, aggregate) -> aggregate.merge(partial),
                        Materialized.<String, VariantAggregate, KeyValueStore<Bytes, byte[]>>as(CUMULATIVE_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(aggregates))
                .toStream();
        cumulative.map((key, aggregate) -> {
                    VariantStats s = aggregate.toStats(null, (Instant) null);
                    return KeyValue.pair(s.key(), s);
                }, Named.as("cumulative-stats"))
                .to(stats.name(), produced);

        Topic<String, ExperimentVerdict> verdicts = Topics.EXPERIMENT_VERDICTS;
        cumulative.selectKey((key, aggregate) -> aggregate.experimentId(), Named.as("key-by-experiment"))
                .repartition(Repartitioned.with(Serdes.String(), aggregates).withName("by-experiment"))
                .process(() -> new VerdictPublisher(settings.verdictInterval(), new VerdictCalculator()),
                        Named.as("verdicts"), VerdictPublisher.ARMS_STORE, VerdictPublisher.VERDICT_STORE)
                .to(verdicts.name(), Produced.with(verdicts.keySerde(), verdicts.valueSerde()));

        return builder.build();
    }

    private static <V> KStream<String, V> source(StreamsBuilder builder, Topic<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                .withTimestampExtractor(new EventTimeExtractor()));
    }
}
