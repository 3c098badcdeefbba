package io.qaflow.metrics.bench;

import io.qaflow.metrics.topology.AggregatorTopology;
import io.qaflow.metrics.topology.TopologySettings;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * {@code ./qaflow bench aggregator}: synthetic AnswerCompleted events through the whole aggregator topology
 * (JSON serialization of each input, deserialization, dedup store, repartition, lateness marker, windowed and
 * cumulative aggregates in RocksDB, serialization of every output) in a {@link TopologyTestDriver}: the throughput
 * of the topology on one thread, without broker round trips. The driver flushes after every record, so each input
 * emits its window and cumulative records — more output than the real app, which emits at commit.
 *
 * <p>Arguments: {@code [events] [warm-up events]}, default 20000 and 5000 (the driver is slow: see the README).
 */
public final class AggregatorBenchmark {
    private static final List<Variant> VARIANTS = List.of(
            Variant.defaults(5),
            new Variant("bench", "control", "p", "1", "m", 5),
            new Variant("bench", "treatment-a", "p", "2", "m", 5),
            new Variant("bench", "treatment-b", "p", "3", "m", 8));

    private AggregatorBenchmark() {}

    public static void main(String[] args) throws IOException {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        // the driver commits after every record, and each commit checkpoints every store with an fsync: on a disk
        // that fsync, not the topology, would be measured, so the state lives in memory-backed /dev/shm when there
        Path shm = Path.of("/dev/shm");
        Path stateDir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "qaflow-aggregator-bench")
                : Files.createTempDirectory("qaflow-aggregator-bench");
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "qaflow-aggregator-bench");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // at-least-once here: the driver commits after every record and, under exactly-once, would also flush
        // RocksDB after every record, which the real app does once per commit interval
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        TopologySettings settings = new TopologySettings(Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofDays(1));
        try (var driver = new TopologyTestDriver(AggregatorTopology.build(settings), config)) {
            TestInputTopic<String, AnswerCompleted> answers = driver.createInputTopic(Topics.ANSWERS.name(),
                    new StringSerializer(), Topics.ANSWERS.valueSerde().serializer());
            TestOutputTopic<byte[], byte[]> stats = driver.createOutputTopic(Topics.EXPERIMENT_STATS.name(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            SplittableRandom random = new SplittableRandom(42);
            run(answers, stats, random, start, 0, warmUp);
            long begin = System.nanoTime();
            run(answers, stats, random, start, warmUp, events);
            double seconds = (System.nanoTime() - begin) / 1e9;
            System.out.printf("aggregator bench: %d synthetic AnswerCompleted events, %d variants, through the full "
                            + "topology with serdes in TopologyTestDriver (one thread, no broker, at-least-once), %.2f s%n",
                    events, VARIANTS.size(), seconds);
            System.out.printf("aggregator events/s: %d%n", Math.round(events / seconds));
        } finally {
            try (var paths = Files.walk(stateDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(TestInputTopic<String, AnswerCompleted> answers, TestOutputTopic<byte[], byte[]> stats,
                            SplittableRandom random, Instant start, int from, int count) {
        for (int i = from; i < from + count; i++) {
            String requestId = "bench-" + i;
            long total = 200 + Math.round(Math.exp(6 + random.nextDouble()));
            Instant at = start.plusMillis(i * 2L); // 500 events/s of event time: a new window every 30,000 events
            answers.pipeInput(requestId, new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION,
                    EventIds.terminal(requestId), at, requestId, "u" + (i % 1000), VARIANTS.get(i % VARIANTS.size()),
                    "an answer", List.of(), "m", false, false, new TokenUsage(400, 40, false), 0.0003,
                    new StageLatency(total, 8, 3, total - 20)), at);
            if (i % 10_000 == 0) {
                stats.readRecordsToList(); // drop captured output, keeping memory flat
            }
        }
    }
}
