package io.qaflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qaflow.model.kafka.Topics;
import io.qaflow.testkit.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/**
 * A consumer loop that dies is never left dead: it starts again by itself and goes on from the last commit; only
 * when it keeps dying does liveness turn DOWN, so the orchestrator replaces the process. (Before, a dead loop stayed
 * dead and liveness stayed UP: the worker looked alive and answered nothing.)
 */
class ConcurrentRecordConsumerIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static EmbeddedKafkaBroker broker;
    private static KafkaProducer<String, byte[]> producer;

    private final Set<String> processed = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startTemporary();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.singleBroker(2).provision(admin);
        }
        producer = new KafkaProducer<>(KafkaClients.producerConfigFor(broker.bootstrapServers(), "it"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        broker.close();
    }

    @Test
    void aLoopThatDiesIsStartedAgainAndGoesOnConsumingWhileLivenessStaysUp() throws Exception {
        try (KafkaRuntime kafka = KafkaRuntime.standalone("restart-it", broker.bootstrapServers(),
                new SimpleMeterRegistry())) {
            ConcurrentRecordConsumer consumer = consumer(kafka, "restart-it");
            ConsumerHealth liveness = new ConsumerHealth();
            liveness.add(consumer);
            consumer.start();
            try {
                send("a", 5);
                await().atMost(WAIT).until(() -> processed.size() == 5);

                consumer.failPollLoop(new KafkaException("the client broke"), 1);
                await().atMost(WAIT).until(() -> consumer.restarts() == 1
                        && consumer.state() == ConcurrentRecordConsumer.State.RUNNING);
                assertThat(liveness.health().getStatus()).isEqualTo(Status.UP);

                send("b", 5);
                await().atMost(WAIT).until(() -> processed.size() == 10);
                assertThat(consumer.consecutiveFailures()).isZero();
                assertThat(liveness.health().getDetails()).extractingByKey("restart-it").asString()
                        .contains("restarts=1");
            } finally {
                consumer.stop();
            }
        }
    }

    @Test
    void aLoopThatKeepsDyingTurnsLivenessDown() throws Exception {
        try (KafkaRuntime kafka = KafkaRuntime.standalone("down-it", broker.bootstrapServers(),
                new SimpleMeterRegistry())) {
            ConcurrentRecordConsumer consumer = consumer(kafka, "down-it");
            ConsumerHealth liveness = new ConsumerHealth();
            liveness.add(consumer);
            consumer.start();
            try {
                send("c", 1);
                await().atMost(WAIT).until(() -> processed.contains("c-0"));
                // the run now fails, and the next four fail as they start, before any poll: no progress between them
                consumer.failPollLoop(new KafkaException("broken, and again"), 5);
                await().atMost(WAIT).until(() -> liveness.health().getStatus().equals(Status.DOWN));
                assertThat(consumer.state()).isEqualTo(ConcurrentRecordConsumer.State.FAILED);
                assertThat(consumer.consecutiveFailures()).isEqualTo(5);

                // restarts go on meanwhile: once the client works again the loop is back and liveness UP
                send("d", 1);
                await().atMost(WAIT).until(() -> processed.contains("d-0"));
                await().atMost(WAIT).until(() -> liveness.health().getStatus().equals(Status.UP));
            } finally {
                consumer.stop();
            }
        }
    }

    private ConcurrentRecordConsumer consumer(KafkaRuntime kafka, String group) {
        return kafka.consumers().create(Topics.CONTEXTS, group,
                new ConcurrentRecordConsumer.Settings(4, Duration.ofMillis(100), 100, Duration.ofSeconds(5)),
                record -> processed.add(new String(record.key(), StandardCharsets.UTF_8)));
    }

    private static void send(String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(Topics.CONTEXTS.name(), prefix + "-" + i, new byte[] {1})).get();
        }
    }
}
