package io.qaflow.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.qaflow.kafka.KafkaClients;
import io.qaflow.kafka.TopicProvisioner;
import io.qaflow.model.AnswerCompleted;
import io.qaflow.model.EventIds;
import io.qaflow.model.StageLatency;
import io.qaflow.model.TokenUsage;
import io.qaflow.model.Variant;
import io.qaflow.model.VariantStats;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash: the aggregator runs in a child JVM that is killed with SIGKILL while events are still
 * being processed (an open transaction, no clean shutdown), some events are redelivered, and a new process on the same state
 * directory finishes the work. The cumulative count must equal the number of distinct events.
 */
class ExactlyOnceRecoveryIT {
    private static final int EVENTS = 6_000;
    private static final String CUMULATIVE = VariantStats.key("default", "control", null);

    @TempDir
    Path dir;

    @Test
    void aKilledAggregatorRestartedOnItsStateDirCountsEveryEventOnce() throws Exception {
        try (var broker = EmbeddedKafkaBroker.startTemporary();
             var producer = new KafkaProducer<>(KafkaClients.producerConfigFor(broker.bootstrapServers(), "eos-it"),
                     new StringSerializer(), new ByteArraySerializer());
             var consumer = new KafkaConsumer<>(KafkaClients.consumerConfigFor(broker.bootstrapServers(), "eos-it", "eos-it"),
                     new StringDeserializer(), Topics.EXPERIMENT_STATS.valueSerde())) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                TopicProvisioner.singleBroker(3).provision(admin);
            }
            consumer.subscribe(List.of(Topics.EXPERIMENT_STATS.name()));
            AtomicLong latestCount = new AtomicLong();
            Runnable readStats = () -> consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                if (r.key().equals(CUMULATIVE)) {
                    latestCount.set(r.value().requests());
                }
            });

            int distinct = EVENTS;
            for (int i = 0; i < distinct; i++) {
                send(producer, i);
            }
            producer.flush();

            Process first = startAggregator(broker.bootstrapServers(), "first");
            try {
                // the first commit is visible after ~100 ms of processing, long before the backlog is done
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    readStats.run();
                    return latestCount.get() > 0;
                });
            } finally {
                first.destroyForcibly(); // SIGKILL: mid-transaction, no commit, no state checkpoint
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            long countedBeforeKill = latestCount.get();
            assertThat(countedBeforeKill).as("killed mid-stream").isPositive().isLessThan(distinct);
            for (int i = 0; i < 500; i++) {
                send(producer, i); // redelivered: same event ids
            }
            producer.flush();

            Process second = startAggregator(broker.bootstrapServers(), "second");
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    readStats.run();
                    return latestCount.get() >= distinct;
                });
                // read on to the end: a double count would show up as a later, larger figure
                for (int i = 0; i < 20; i++) {
                    readStats.run();
                }
                assertThat(latestCount.get()).isEqualTo(distinct);
            } finally {
                second.destroyForcibly();
                second.waitFor(30, TimeUnit.SECONDS);
            }
            System.out.printf("exactly-once: killed after %d of %d committed, %d after restart%n",
                    countedBeforeKill, distinct, latestCount.get());
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, int i) {
        String requestId = "eos-" + i;
        AnswerCompleted answer = new AnswerCompleted(AnswerCompleted.SCHEMA_VERSION, EventIds.terminal(requestId),
                Instant.now(), requestId, "u", Variant.defaults(5), "an answer", List.of(), "m", false,
                new TokenUsage(100, 10, false), 0.001, new StageLatency(120, 10, 5, 60), null, null, null);
        producer.send(new ProducerRecord<>(Topics.ANSWERS.name(), requestId,
                Topics.ANSWERS.valueSerde().serialize(Topics.ANSWERS.name(), answer)));
    }

    private Process startAggregator(String bootstrapServers, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                MetricsAggregatorApplication.class.getName(),
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--qaflow.aggregator.streams.state-dir=" + dir.resolve("state"),
                "--qaflow.aggregator.streams.commit-interval=100ms")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }
}
