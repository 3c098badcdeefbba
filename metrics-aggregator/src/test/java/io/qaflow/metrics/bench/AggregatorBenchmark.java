package io.qaflow.metrics.bench;

import io.qaflow.kafka.KafkaClients;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.metrics.topology.AggregatorTopology;
import io.qaflow.metrics.topology.TopologySettings;
import io.qaflow.metrics.topology.VariantAggregate;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code ./qaflow bench aggregator}: synthetic AnswerCompleted events through the aggregator exactly as it runs in
 * production — a real Kafka Streams client with exactly-once v2 on a real (in-process) KRaft broker, JSON input,
 * deduplication, the repartition topic, windowed and cumulative aggregates in RocksDB with their changelogs, and the
 * stats output. The events are produced first; the clock runs from the Streams client's start until the cumulative
 * store has counted every event. The headline figure is the steady state, from a tenth of the events counted to the
 * last (Streams start-up, rebalance, RocksDB opening and JIT warm-up are in the figure printed apart); the broker
 * shares the two cores.
 *
 * <p>Arguments: {@code [events] [partitions] [stream threads]}, default 1000000, 3 and 2 (the app's defaults); extra Streams settings for
 * experiments as {@code -Dbench.config=key=value,key=value}.
 */
public final class AggregatorBenchmark {
    private static final List<Variant> VARIANTS = List.of(
            Variant.defaults(5),
            new Variant("bench", "control", "p", "1", "m", 5),
            new Variant("bench", "treatment-a", "p", "2", "m", 5),
            new Variant("bench", "treatment-b", "p", "3", "m", 8));

    private AggregatorBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path stateDir = Files.createTempDirectory("qaflow-aggregator-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                TopicProvisioner.singleBroker(partitions).provision(admin);
            }
            long produceStart = System.nanoTime();
            produce(broker.bootstrapServers(), events);
            System.out.printf("aggregator bench: produced %d AnswerCompleted events in %.1f s%n", events,
                    (System.nanoTime() - produceStart) / 1e9);

            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "qaflow-aggregator-bench");
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
            config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
            config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            config.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
            config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024); // as the app
            for (String extra : System.getProperty("bench.config", "").split(",")) {
                if (!extra.isBlank()) {
                    String[] kv = extra.split("=", 2);
                    config.put(kv[0], kv[1]);
                }
            }
            try (var streams = new KafkaStreams(AggregatorTopology.build(TopologySettings.DEFAULTS), config)) {
                long start = System.nanoTime();
                streams.start();
                long counted = 0;
                long firstCounted = 0;
                long countingSince = 0;
                long deadline = start + Duration.ofMinutes(3).toNanos();
                while (counted < events && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    counted = countedSoFar(streams);
                    // the steady state: from a tenth of the events on, once the JIT has compiled the hot paths
                    if (countingSince == 0 && counted >= events / 10) {
                        countingSince = System.nanoTime();
                        firstCounted = counted;
                    }
                }
                long end = System.nanoTime();
                if (counted < events) {
                    System.out.printf("aggregator bench: gave up after 3 minutes with %d of %d counted, client %s%n",
                            counted, events, streams.state());
                }
                double total = (end - start) / 1e9;
                double steady = (end - countingSince) / 1e9;
                System.out.printf("aggregator bench: %d events, %d variants, %d partitions, %d stream threads, "
                                + "exactly-once v2: all counted %.2f s after start, %d of them after %.2f s%n",
                        events, VARIANTS.size(), partitions, threads, total, firstCounted,
                        (countingSince - start) / 1e9);
                System.out.printf("aggregator events/s including start-up: %d%n", Math.round(counted / total));
                System.out.printf("aggregator events/s: %d%n", Math.round((counted - firstCounted) / steady));
            }
        } finally {
            try (var paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long countedSoFar(KafkaStreams streams) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return 0;
        }
        try {
            ReadOnlyKeyValueStore<String, VariantAggregate> store = streams.store(StoreQueryParameters.fromNameAndType(
                    AggregatorTopology.CUMULATIVE_STORE, QueryableStoreTypes.keyValueStore()));
            long total = 0;
            try (var all = store.all()) {
                while (all.hasNext()) {
                    total += all.next().value.toStats(null, (Instant) null).requests();
                }
            }
            return total;
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException rebalancing) {
            return 0;
        }
    }

    private static void produce(String bootstrapServers, int events) throws Exception {
        Map<String, Object> config = KafkaClients.producerConfigFor(bootstrapServers, "aggregator-bench");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Instant start = Instant.now().minus(Duration.ofMinutes(10));
        SplittableRandom random = new SplittableRandom(42);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(),
                Topics.ANSWERS.valueSerde().serializer())) {
            for (int i = 0; i < events; i++) {
                String requestId = "bench-" + i;
                long total = 200 + Math.round(Math.exp(6 + random.nextDouble()));
                Instant at = start.plusMillis(i * 2L); // 500 events/s of event time: ten one-minute windows per 300,000
                producer.send(new ProducerRecord<>(Topics.ANSWERS.name(), requestId,
                        new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal(requestId), at,
                        requestId, "u" + (i % 1000), VARIANTS.get(i % VARIANTS.size()), "an answer", List.of(), "m",
                        false, new TokenUsage(400, 40, false), 0.0003, new StageLatency(total, 8, 3, total - 20), null,
                        null, null)));
            }
            producer.flush();
        }
    }
}
